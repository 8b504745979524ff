"""Clinical record pages: charts, evaluations, gait analyses, outcome measures and trends."""

from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.clinical.exam import exam_rows
from assessments.clinical.gait import asymmetry
from assessments.clinical.schedule import TIMEPOINT_LABELS
from assessments.forms_clinical import (
    AddendumForm,
    DischargeForm,
    EvaluationForm,
    GaitAnalysisForm,
    GaitCompareForm,
    PromAnswersForm,
    ScheduleForm,
)
from assessments.models_clinical import (
    NOTE_ROLES,
    Evaluation,
    EvaluationStatus,
    GaitAnalysis,
    OutcomeResult,
    OutcomeSource,
    PromSchedule,
)
from assessments.prom_wording import apply_clinic_wording
from assessments.proms import INSTRUMENTS, describe
from assessments.services_clinical import (
    addendum_add,
    due_measures,
    evaluation_create,
    evaluation_history,
    evaluation_sign,
    evaluation_update,
    gait_comparison,
    gait_create,
    gait_update,
    gait_values,
    outcome_fill_due,
    outcome_history,
    outcome_overview,
    outcome_record,
    outcome_trend,
    prom_schedule_create,
    prom_schedule_discharge,
    running_profile_snapshot,
    schedule_plan,
)
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import Role, role_of, role_required
from patients.models import Patient

CLINICIANS = (Role.THERAPIST, Role.MANAGER)
PAGE_SIZE = 25


# --- Scoped loaders: each answers 404 for what the user may not see -------------------------


def get_patient_for_notes(request: HttpRequest, pk: int, **annotations) -> Patient:
    """A patient whose chart the signed-in clinician may read (with any annotations asked)."""
    if role_of(request.user) not in NOTE_ROLES:
        raise Http404
    return get_object_or_404(
        Patient.objects.visible_to(request.user).annotate(**annotations), pk=pk
    )


def get_patient_for_outcomes(request: HttpRequest, pk: int) -> Patient:
    """A patient whose outcome charts the user may see: clinicians, or the runner themself."""
    if role_of(request.user) not in (*NOTE_ROLES, Role.RUNNER):
        raise Http404
    return get_object_or_404(Patient.objects.visible_to(request.user), pk=pk)


def get_evaluation_for_user(request: HttpRequest, pk: int) -> Evaluation:
    """An evaluation the signed-in clinician may read."""
    return get_object_or_404(Evaluation.objects.visible_to(request.user).with_related(), pk=pk)


def get_gait_for_user(request: HttpRequest, pk: int) -> GaitAnalysis:
    """A gait analysis the signed-in clinician may read."""
    return get_object_or_404(
        GaitAnalysis.objects.visible_to(request.user).select_related(
            "patient", "therapist", "evaluation"
        ),
        pk=pk,
    )


def _runner_patient(request: HttpRequest) -> Patient:
    patient = Patient.objects.filter(user=request.user).first()
    if patient is None:
        raise Http404
    return patient


def _service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Patients and charts --------------------------------------------------------------------


@require_GET
@role_required(*CLINICIANS)
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients to open a chart for, searchable by name."""
    query = request.GET.get("q", "").strip()
    patients = Patient.objects.visible_to(request.user).annotate(
        evaluation_count=Count("evaluations", distinct=True)
    )
    if query:
        patients = patients.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query))
    page = Paginator(patients.order_by("last_name", "first_name", "id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "assessments/clinical/patient_list.html", {"page": page, "q": query})


@require_GET
@role_required(*CLINICIANS)
def patient_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A patient's notes, gait analyses, measure schedules and outcome results."""
    # The measures with results come with the patient (a subquery), not by loading every result.
    measured = (
        OutcomeResult.objects.filter(patient=OuterRef("pk"))
        .order_by("instrument")
        .values("instrument")
        .distinct()
    )
    patient = get_patient_for_notes(request, patient_id, instruments=ArraySubquery(measured))
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.CHART, ref=patient.pk)
    schedules = list(patient.prom_schedules.all())
    results = OutcomeResult.objects.filter(patient=patient).select_related("collected_by")
    gait_analyses = list(patient.gait_analyses.select_related("therapist"))
    context = {
        "patient": patient,
        "evaluations": patient.evaluations.select_related("therapist", "signed_by"),
        "gait_analyses": gait_analyses,
        "schedules": [(s, schedule_plan(s)) for s in schedules],
        "results": results.order_by("-taken_at")[:20],
        "instruments": [(code, INSTRUMENTS[code].name) for code in patient.instruments],
        "all_instruments": [(code, INSTRUMENTS[code].name) for code in sorted(INSTRUMENTS)],
        "schedule_form": ScheduleForm(),
        "discharge_form": DischargeForm(),
        # The compare choices are the analyses listed above (same order): no query of their own.
        "compare_form": GaitCompareForm(patient=patient, analyses=gait_analyses),
    }
    return render(request, "assessments/clinical/patient_chart.html", context)


# --- Evaluations ----------------------------------------------------------------------------


@require_GET
@role_required(*CLINICIANS)
def evaluation_list(request: HttpRequest) -> HttpResponse:
    """All notes, newest first; filter drafts or signed."""
    status = request.GET.get("status", "")
    evaluations = Evaluation.objects.visible_to(request.user).with_related()
    if status in EvaluationStatus.values:
        evaluations = evaluations.filter(status=status)
    page = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "assessments/clinical/evaluation_list.html",
        {"page": page, "status": status, "statuses": EvaluationStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def evaluation_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Start a SOAP note for a patient."""
    patient = get_patient_for_notes(request, patient_id)
    audit_patient_access(
        request, patient_id=patient.pk, kind=AccessKind.RUNNING_PROFILE, ref=patient.pk
    )
    form = EvaluationForm(
        request.POST or None,
        patient=patient,
        profile_initial=running_profile_snapshot(patient=patient),
    )
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = evaluation_create(
                patient=patient, therapist=request.user, fields=form.service_fields()
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "Draft note saved.")
            return redirect("clinical:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "assessments/clinical/evaluation_form.html",
        {"form": form, "patient": patient, "evaluation": None},
    )


@require_GET
@role_required(*CLINICIANS)
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One note with its gait analyses and addenda; sign or add an addendum from here."""
    evaluation = get_evaluation_for_user(request, pk)
    audit_patient_access(
        request, patient_id=evaluation.patient_id, kind=AccessKind.EVALUATION, ref=pk
    )
    context = {
        "evaluation": evaluation,
        "patient": evaluation.patient,
        "exam": exam_rows(evaluation.exam),
        "addenda": evaluation.addenda.select_related("author"),
        "gait_analyses": evaluation.gait_analyses.all(),
        "programs": evaluation.programs.order_by("-created_at"),
        "addendum_form": AddendumForm(),
    }
    return render(request, "assessments/clinical/evaluation_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft note; a signed note is refused and points to addenda."""
    evaluation = get_evaluation_for_user(request, pk)
    audit_patient_access(
        request, patient_id=evaluation.patient_id, kind=AccessKind.EVALUATION, ref=pk
    )
    if evaluation.is_signed:
        messages.error(request, "This note is signed and locked. Add an addendum instead.")
        return redirect("clinical:evaluation_detail", pk=evaluation.pk)
    form = EvaluationForm(request.POST or None, instance=evaluation, patient=evaluation.patient)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_update(
                evaluation=evaluation, user=request.user, fields=form.service_fields()
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "Draft note saved.")
            return redirect("clinical:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "assessments/clinical/evaluation_form.html",
        {"form": form, "patient": evaluation.patient, "evaluation": evaluation},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def evaluation_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then sign a draft note; it is locked from then on."""
    evaluation = get_evaluation_for_user(request, pk)
    audit_patient_access(
        request, patient_id=evaluation.patient_id, kind=AccessKind.EVALUATION, ref=pk
    )
    error = None
    if request.method == "POST":
        try:
            evaluation_sign(evaluation=evaluation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Note signed. Later changes go in addenda.")
            return redirect("clinical:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "assessments/clinical/evaluation_sign.html",
        {"evaluation": evaluation, "patient": evaluation.patient, "error": error},
        status=400 if error else 200,
    )


@require_POST
@role_required(*CLINICIANS)
def evaluation_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a dated addendum to a signed note."""
    evaluation = get_evaluation_for_user(request, pk)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            addendum_add(evaluation=evaluation, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "Addendum added.")
            return redirect("clinical:evaluation_detail", pk=evaluation.pk)
    context = {
        "evaluation": evaluation,
        "patient": evaluation.patient,
        "exam": exam_rows(evaluation.exam),
        "addenda": evaluation.addenda.select_related("author"),
        "gait_analyses": evaluation.gait_analyses.all(),
        "addendum_form": form,
    }
    return render(request, "assessments/clinical/evaluation_detail.html", context, status=400)


@require_GET
@role_required(*CLINICIANS)
def evaluation_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every saved version of a note, with what changed and who changed it."""
    evaluation = get_evaluation_for_user(request, pk)
    audit_patient_access(
        request, patient_id=evaluation.patient_id, kind=AccessKind.EVALUATION_HISTORY, ref=pk
    )
    rows = evaluation_history(evaluation=evaluation)
    return render(
        request,
        "assessments/clinical/history.html",
        {
            "title": f"History of evaluation #{evaluation.pk}",
            "back": reverse("clinical:evaluation_detail", args=[evaluation.pk]),
            "rows": _with_user_names(rows),
            "patient": evaluation.patient,
        },
    )


def _with_user_names(rows: list[dict]) -> list[dict]:
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.in_bulk({r["user_id"] for r in rows if r["user_id"]})
    for row in rows:
        user = users.get(row["user_id"])
        row["user"] = (user.get_full_name() or user.get_username()) if user else "—"
    return rows


# --- Gait -----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def gait_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a gait analysis, optionally attached to a draft note (?evaluation=id)."""
    patient = get_patient_for_notes(request, patient_id)
    evaluation = None
    evaluation_id = request.GET.get("evaluation") or request.POST.get("evaluation")
    if evaluation_id:
        if not str(evaluation_id).isdigit():
            raise Http404
        evaluation = get_object_or_404(
            Evaluation.objects.visible_to(request.user), pk=evaluation_id, patient=patient
        )
    form = GaitAnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gait = gait_create(
                patient=patient,
                therapist=request.user,
                evaluation=evaluation,
                fields=form.service_fields(),
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "Gait analysis saved.")
            if evaluation is not None:
                return redirect("clinical:evaluation_detail", pk=evaluation.pk)
            return redirect("clinical:gait_detail", pk=gait.pk)
    return render(
        request,
        "assessments/clinical/gait_form.html",
        {"form": form, "patient": patient, "evaluation": evaluation, "gait": None},
    )


@require_GET
@role_required(*CLINICIANS)
def gait_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One gait analysis with its left/right asymmetry."""
    gait = get_gait_for_user(request, pk)
    audit_patient_access(request, patient_id=gait.patient_id, kind=AccessKind.GAIT_ANALYSIS, ref=pk)
    return render(
        request,
        "assessments/clinical/gait_detail.html",
        {"gait": gait, "patient": gait.patient, "asymmetry": asymmetry(gait_values(gait))},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def gait_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a gait analysis unless its note is signed."""
    gait = get_gait_for_user(request, pk)
    audit_patient_access(request, patient_id=gait.patient_id, kind=AccessKind.GAIT_ANALYSIS, ref=pk)
    if gait.evaluation_id and gait.evaluation.is_signed:
        messages.error(request, "This analysis belongs to a signed note and is locked.")
        return redirect("clinical:gait_detail", pk=gait.pk)
    form = GaitAnalysisForm(request.POST or None, instance=gait)
    if request.method == "POST" and form.is_valid():
        try:
            gait_update(gait=gait, user=request.user, fields=form.service_fields())
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, "Gait analysis saved.")
            return redirect("clinical:gait_detail", pk=gait.pk)
    return render(
        request,
        "assessments/clinical/gait_form.html",
        {"form": form, "patient": gait.patient, "evaluation": gait.evaluation, "gait": gait},
    )


@require_GET
@role_required(*CLINICIANS)
def gait_compare(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Two analyses side by side with the changes highlighted."""
    patient = get_patient_for_notes(request, patient_id)
    audit_patient_access(
        request, patient_id=patient.pk, kind=AccessKind.GAIT_COMPARISON, ref=patient.pk
    )
    form = GaitCompareForm(request.GET or None, patient=patient)
    comparison = None
    if form.is_valid():
        comparison = gait_comparison(
            before=form.cleaned_data["before"], after=form.cleaned_data["after"]
        )
    return render(
        request,
        "assessments/clinical/gait_compare.html",
        {"form": form, "patient": patient, "comparison": comparison},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# --- Outcome measures -----------------------------------------------------------------------


def _definition(instrument: str) -> dict:
    apply_clinic_wording()
    if instrument not in INSTRUMENTS:
        raise Http404
    definition = describe(instrument)
    definition["name"] = INSTRUMENTS[instrument].name
    return definition


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def outcome_record_view(request: HttpRequest, patient_id: int, instrument: str) -> HttpResponse:
    """Record a measure in clinic, from the instrument's own items."""
    patient = get_patient_for_notes(request, patient_id)
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
            form.add_service_errors(exc)
        else:
            messages.success(request, f"{definition['name']} recorded.")
            return redirect("clinical:outcome_trend", patient_id=patient.pk, instrument=instrument)
    return render(
        request,
        "assessments/clinical/outcome_form.html",
        {"form": form, "patient": patient, "definition": definition, "portal": False},
    )


@require_GET
@role_required(*CLINICIANS, Role.RUNNER)
def outcome_trend_view(request: HttpRequest, patient_id: int, instrument: str) -> HttpResponse:
    """A chart of one measure over time with the MCID band and the change label."""
    patient = get_patient_for_outcomes(request, patient_id)
    if instrument not in INSTRUMENTS:
        raise Http404
    audit_patient_access(
        request, patient_id=patient.pk, kind=AccessKind.OUTCOME_TREND, ref=instrument
    )
    trend = outcome_trend(patient=patient, instrument=instrument)
    chart = {key: trend[key] for key in ("instrument", "name", "max", "direction", "points")}
    chart["band"] = trend["band"]
    return render(
        request,
        "assessments/clinical/outcome_trend.html",
        {
            "patient": patient,
            "trend": trend,
            "chart": chart,
            "is_runner": role_of(request.user) == Role.RUNNER,
            "timepoints": TIMEPOINT_LABELS,
        },
    )


@require_GET
@role_required(*CLINICIANS)
def outcome_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every saved version of one outcome result."""
    result = get_object_or_404(
        OutcomeResult.objects.visible_to(request.user).select_related("patient"), pk=pk
    )
    audit_patient_access(
        request, patient_id=result.patient_id, kind=AccessKind.OUTCOME_HISTORY, ref=pk
    )
    return render(
        request,
        "assessments/clinical/history.html",
        {
            "title": f"History of {INSTRUMENTS[result.instrument].name} result #{result.pk}",
            "back": reverse("clinical:patient_chart", args=[result.patient_id]),
            "rows": _with_user_names(outcome_history(result=result)),
            "patient": result.patient,
        },
    )


@require_GET
@role_required(*CLINICIANS)
def outcome_overview_view(request: HttpRequest) -> HttpResponse:
    """Latest change per patient and measure, grouped by condition."""
    return render(
        request,
        "assessments/clinical/outcome_overview.html",
        {"groups": outcome_overview(user=request.user)},
    )


@require_POST
@role_required(Role.THERAPIST)
def schedule_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Start the default measure schedule of one condition."""
    patient = get_patient_for_notes(request, patient_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            prom_schedule_create(patient=patient, created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Measure schedule started.")
    else:
        messages.error(request, "Choose a condition and a baseline date.")
    return redirect("clinical:patient_chart", patient_id=patient.pk)


@require_POST
@role_required(Role.THERAPIST)
def schedule_discharge(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the discharge date, which makes the discharge measures due."""
    if role_of(request.user) not in NOTE_ROLES:
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
        messages.error(request, "Enter a valid discharge date.")
    return redirect("clinical:patient_chart", patient_id=schedule.patient_id)


# --- Runner portal --------------------------------------------------------------------------


@require_GET
@role_required(Role.RUNNER)
def my_measures(request: HttpRequest) -> HttpResponse:
    """The runner's questionnaires due now and links to their own charts."""
    patient = _runner_patient(request)
    instruments = (
        OutcomeResult.objects.filter(patient=patient)
        .values_list("instrument", flat=True)
        .distinct()
        .order_by("instrument")
    )
    return render(
        request,
        "assessments/clinical/my_measures.html",
        {
            "patient": patient,
            "due": due_measures(patient=patient),
            "charts": [(code, INSTRUMENTS[code].name) for code in instruments],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def my_measure_fill(
    request: HttpRequest, schedule_id: int, timepoint: str, instrument: str
) -> HttpResponse:
    """Fill one due questionnaire in the portal."""
    patient = _runner_patient(request)
    due = [
        d
        for d in due_measures(patient=patient)
        if (d.schedule.pk, d.timepoint, d.instrument) == (schedule_id, timepoint, instrument)
    ]
    if not due:
        raise Http404
    definition = _definition(instrument)
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
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"Thank you — {definition['name']} saved.")
            return redirect("clinical:my_measures")
    return render(
        request,
        "assessments/clinical/outcome_form.html",
        {"form": form, "patient": patient, "definition": definition, "portal": True, "due": due[0]},
    )
