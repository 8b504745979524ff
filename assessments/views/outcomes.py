"""Outcome pages: record, chart and trace measures; schedules; the runner's questionnaires."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.forms import DischargeForm, PromAnswersForm, ScheduleForm
from assessments.loaders import (
    get_outcome_result_for_user,
    get_patient_for_notes,
    get_patient_for_outcomes,
)
from assessments.models import OutcomeResult, OutcomeSource, PromSchedule
from assessments.proms import INSTRUMENTS, describe
from assessments.proms.clinic_wording import apply_clinic_wording
from assessments.proms.schedule import TIMEPOINT_LABELS
from assessments.selectors import (
    due_measures,
    outcome_history,
    outcome_overview,
    outcome_trend,
    with_user_names,
)
from assessments.services import (
    outcome_fill_due,
    outcome_record,
    prom_schedule_create,
    prom_schedule_discharge,
)
from dangpt.audit import audit_patient_list
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, Role, role_of, role_required
from patients.selectors import runner_patient


def _definition(instrument: str, language: str | None = None) -> dict:
    """The instrument's items in the clinic's wording, with its name; 404 for an unknown one.

    With ``language`` (the runner's), the validated translation when the instrument has one;
    otherwise the English wording, marked ``english_only`` when another language was asked for,
    so the page says so instead of translating a validated instrument ad hoc.
    """
    apply_clinic_wording()
    if instrument not in INSTRUMENTS:
        raise Http404
    active = INSTRUMENTS[instrument]
    definition = describe(instrument, language)
    definition["name"] = active.name_in(language)
    definition["english_only"] = (
        not (language or "en").startswith("en") and active.translation(language) is None
    )
    return definition


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def outcome_record_view(request: HttpRequest, patient_id: int, instrument: str) -> HttpResponse:
    """Record a measure in clinic, from the instrument's own items."""
    patient = get_patient_for_notes(request, patient_id, kind=None)
    definition = _definition(instrument)
    form = PromAnswersForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            outcome_record(
                patient=patient,
                instrument=instrument,
                answers=form.answers(),
                collected_by=request.user,
                source=OutcomeSource.CLINIC,
            )
        except ValidationError as exc:
            add_service_errors(exc, form, prefix="answers.")
        else:
            messages.success(request, f"{definition['name']} recorded.")
            return redirect(
                "assessments:outcome_trend", patient_id=patient.pk, instrument=instrument
            )
    return render(
        request,
        "assessments/outcome_record.html",
        {"form": form, "patient": patient, "definition": definition, "portal": False},
    )


@require_GET
@role_required(*CLINICIAN_ROLES, Role.RUNNER)
def outcome_trend_view(request: HttpRequest, patient_id: int, instrument: str) -> HttpResponse:
    """A chart of one measure over time with the MCID band and the change label."""
    patient = get_patient_for_outcomes(request, patient_id, instrument=instrument)
    trend = outcome_trend(patient=patient, instrument=instrument)
    is_runner = role_of(request.user) == Role.RUNNER
    if is_runner and instrument in INSTRUMENTS:
        trend["name"] = INSTRUMENTS[instrument].name_in(get_language())
    chart = {key: trend[key] for key in ("instrument", "name", "max", "direction", "points")}
    chart["band"] = trend["band"]
    return render(
        request,
        "assessments/outcome_trend.html",
        {
            "patient": patient,
            "trend": trend,
            "chart": chart,
            "is_runner": is_runner,
            "timepoints": TIMEPOINT_LABELS,
        },
    )


def _instrument_name(code: str) -> str:
    return INSTRUMENTS[code].name if code in INSTRUMENTS else code


@require_GET
@role_required(*CLINICIAN_ROLES)
def outcome_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every saved version of one outcome result."""
    result = get_outcome_result_for_user(request, pk)
    return render(
        request,
        "assessments/record_history.html",
        {
            "title": f"History of a {INSTRUMENTS[result.instrument].name} result",
            "back": reverse("assessments:patient_chart", args=[result.patient_id]),
            "rows": with_user_names(
                outcome_history(result=result), named={"instrument": _instrument_name}
            ),
            "patient": result.patient,
        },
    )


@require_GET
@role_required(*CLINICIAN_ROLES)
def outcome_overview_view(request: HttpRequest) -> HttpResponse:
    """Latest change per patient and measure, grouped by condition."""
    groups = outcome_overview(user=request.user)
    shown = ((row["patient"].pk, row["instrument"]) for group in groups for row in group["rows"])
    audit_patient_list(request, kind=AccessKind.OUTCOME_OVERVIEW, shown=shown)
    return render(request, "assessments/outcome_overview.html", {"groups": groups})


@require_POST
@role_required(Role.THERAPIST)
def schedule_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Start the default measure schedule of one condition."""
    patient = get_patient_for_notes(request, patient_id, kind=None)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            prom_schedule_create(patient=patient, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Measure schedule started.")
    else:
        messages.error(
            request, _form_problem(form, "starts_on", "Choose a condition and a baseline date.")
        )
    return redirect("assessments:patient_chart", patient_id=patient.pk)


@require_POST
@role_required(Role.THERAPIST)
def schedule_discharge(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the discharge date, which makes the discharge measures due."""
    if role_of(request.user) not in CLINICIAN_ROLES:
        raise Http404
    schedule = get_object_or_404(PromSchedule.objects.visible_to(request.user), pk=pk)
    form = DischargeForm(request.POST)
    if form.is_valid():
        try:
            prom_schedule_discharge(
                schedule=schedule, discharge_on=form.cleaned_data["discharge_on"], user=request.user
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Discharge date set.")
    else:
        messages.error(
            request, _form_problem(form, "discharge_on", "Enter a valid discharge date.")
        )
    return redirect("assessments:patient_chart", patient_id=schedule.patient_id)


# --- Runner portal --------------------------------------------------------------------------


@require_GET
@role_required(Role.RUNNER)
def my_measures(request: HttpRequest) -> HttpResponse:
    """The runner's questionnaires due now and links to their own charts."""
    patient = runner_patient(request.user)
    instruments = (
        OutcomeResult.objects.filter(patient=patient)
        .values_list("instrument", flat=True)
        .distinct()
        .order_by("instrument")
    )
    return render(
        request,
        "assessments/measure_list.html",
        {
            "patient": patient,
            "due": _named(due_measures(patient=patient)),
            "charts": [(code, INSTRUMENTS[code].name_in(get_language())) for code in instruments],
        },
    )


def _named(due: list) -> list:
    """Due measures named in the runner's language where the instrument has that wording."""
    language = get_language()
    for measure in due:
        measure.name = INSTRUMENTS[measure.instrument].name_in(language)
    return due


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def my_measure_fill(
    request: HttpRequest, schedule_id: int, timepoint: str, instrument: str
) -> HttpResponse:
    """Fill one due questionnaire in the portal."""
    patient = runner_patient(request.user)
    due = [
        d
        for d in due_measures(patient=patient)
        if (d.schedule.pk, d.timepoint, d.instrument) == (schedule_id, timepoint, instrument)
    ]
    if not due:
        raise Http404
    language = get_language()
    definition = _definition(instrument, language)
    form = PromAnswersForm(request.POST or None, definition=definition)
    if request.method == "POST" and form.is_valid():
        try:
            outcome_fill_due(
                patient=patient,
                user=request.user,
                schedule_id=schedule_id,
                timepoint=timepoint,
                instrument=instrument,
                answers=form.answers(),
                language=language,
            )
        except ValidationError as exc:
            add_service_errors(exc, form, prefix="answers.")
        else:
            saved = gettext("Thank you — %(name)s saved.") % {"name": definition["name"]}
            messages.success(request, saved)
            return redirect("assessments:my_measures")
    return render(
        request,
        "assessments/outcome_record.html",
        {"form": form, "patient": patient, "definition": definition, "portal": True, "due": due[0]},
    )


def _form_problem(form, field: str, fallback: str) -> str:
    """The date window's own words when the date was outside it, else the page's usual words."""
    if form.has_error(field, "date_out_of_range"):
        return " ".join(form.errors[field])
    return fallback
