"""Screening pages: the runner's symptom questionnaire and the therapist's screen and review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.forms import (
    AcknowledgeForm,
    DiagnosisForm,
    PatientChoiceForm,
    ScreeningAnswersForm,
)
from assessments.loaders import get_screening_for_user
from assessments.models import Screening, ScreeningSource, ScreeningStatus
from assessments.screening import FEATURE_LABELS, HIGH_RISK_REGIONS, SUSPECTED_BSI_MESSAGE
from assessments.screening.engine import RULES
from assessments.services import (
    screening_acknowledge,
    screening_create,
    screening_record_diagnosis,
    screening_review,
)
from dangpt.audit import audit_patient_access, audit_patient_list
from dangpt.conditions import Diagnosis
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.pagination import CappedPaginator
from dangpt.roles import Role, role_required
from patients.models import Patient
from patients.selectors import runner_patient

LIST_FILTERS = {
    "to_review": ("To review", {"status": ScreeningStatus.DRAFT}),
    "unacknowledged": ("Red flags to acknowledge", None),
    "all": ("All", {}),
}
PAGE_SIZE = 25
LIST_CAP = 1_000  # screenings counted; past that the pager reads "of 40+"

URGENCY = {
    "same_day": ("Same day", "danger", "Consider medical assessment today."),
    "prompt": ("Prompt", "warning", "Consider medical assessment within days."),
    "routine": ("Routine", "info", "Consider a routine review or referral."),
}
CONDITION_NAMES = dict(Diagnosis.choices)
TRIGGER_LABELS = {
    f"trigger_{t['id']}": t["label"] for t in RULES["bone_stress_override"]["hard_triggers"]
}
GATE_LABEL = "Painful area is not typical of this condition"
# Below this match, "Pattern consistent with" would overstate it: the condition is listed plainly.
PATTERN_FLOOR_PCT = RULES["pattern_floor_pct"]
# The runner's thank-you page reads back only the screening this session sent (its id, nothing
# clinical), to tell them plainly to call today when the answers need a same-day or prompt look.
SENT_SESSION_KEY = "questionnaire_sent"
CALL_TODAY = ("same_day", "prompt")
# Same-day concerns a physical therapist cannot see to: the runner is told to seek medical care
# today (urgent care or the emergency room), not only to call the clinic. Suspected DVT: NICE NG158
# (2020); cold or pale foot: ESVS acute limb ischaemia guideline (Bjorck 2020); compartment
# syndrome: BOAST 2014; joint infection: Carpenter 2011.
SEEK_CARE_TODAY = frozenset(
    {
        "suspected_dvt",
        "vascular_or_neurological_compromise",
        "possible_acute_compartment_syndrome",
        "suspected_joint_infection",
    }
)


def _reason_label(code: str, feature: str) -> str:
    """Human-readable wording of one scoring reason."""
    if feature == "region_not_typical":
        return GATE_LABEL
    return (
        FEATURE_LABELS.get(code, {}).get(feature)
        or TRIGGER_LABELS.get(feature)
        or feature.replace("_", " ").capitalize()
    )


def result_view(result: dict) -> dict:
    """The stored result with labels for display: urgency wording and reason labels."""
    red_flags = [
        {
            **flag,
            "urgency_label": URGENCY.get(flag["urgency"], URGENCY["prompt"])[0],
            "css": URGENCY.get(flag["urgency"], URGENCY["prompt"])[1],
            "action": URGENCY.get(flag["urgency"], URGENCY["prompt"])[2],
        }
        for flag in result.get("red_flags", [])
    ]
    conditions = [
        {
            **condition,
            "name": CONDITION_NAMES.get(condition["code"], condition["code"]),
            "consistent": condition["score_pct"] >= PATTERN_FLOOR_PCT,
            "reasons": [
                {**reason, "label": _reason_label(condition["code"], reason["feature"])}
                for reason in condition["reasons"]
            ],
        }
        for condition in result.get("conditions", [])
    ]
    urgency = result.get("urgency")
    return {
        **result,
        "red_flags": red_flags,
        "conditions": conditions,
        "urgency_label": URGENCY[urgency][0] if urgency in URGENCY else "",
        "bsi_message": SUSPECTED_BSI_MESSAGE if result.get("suspected_bsi") else "",
    }


def _save_answers(form: ScreeningAnswersForm, write) -> Screening | None:
    """Run a write with the form's answers; put the engine's complaints back on the form."""
    if not form.is_valid():
        return None
    try:
        return write(form.answers())
    except ValidationError as exc:
        form.add_engine_errors(exc.message_dict)
        return None


def _create(form: ScreeningAnswersForm, *, patient, user, source: str) -> Screening | None:
    """Store a new screening of the form's answers, or None with the complaints on the form."""
    return _save_answers(
        form,
        lambda answers: screening_create(
            patient=patient, answers=answers, created_by=user, source=source
        ),
    )


# --- Runner -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def questionnaire(request: HttpRequest) -> HttpResponse:
    """The runner's symptom questionnaire, stored as a draft for the therapist."""
    patient = runner_patient(request.user)
    form = ScreeningAnswersForm(request.POST or None, runner=True)
    if request.method == "POST":
        saved = _create(form, patient=patient, user=request.user, source=ScreeningSource.RUNNER)
        if saved is not None:
            request.session[SENT_SESSION_KEY] = saved.pk
            return redirect("assessments:questionnaire_sent")
    return render(request, "assessments/questionnaire_fill.html", {"form": form})


def _sent_screening(request: HttpRequest, patient: Patient) -> Screening | None:
    """The runner's own screening this session just sent, with its read logged, or None."""
    pk = request.session.get(SENT_SESSION_KEY)
    if type(pk) is not int:
        return None
    screening = (
        Screening.objects.filter(pk=pk, patient=patient)
        .only("id", "patient_id", "urgency", "result")
        .first()
    )
    if screening is not None:
        audit_patient_access(
            request, patient_id=patient.pk, kind=AccessKind.SCREENING, ref=screening.pk
        )
    return screening


@require_GET
@role_required(Role.RUNNER)
def questionnaire_sent(request: HttpRequest) -> HttpResponse:
    """Thanks, and what to do now: call the clinic today when the answers need a prompt look."""
    patient = runner_patient(request.user)
    screening = _sent_screening(request, patient)
    urgency = screening.urgency if screening is not None else ""
    location = patient.preferred_location if urgency in CALL_TODAY else None
    result = (screening.result or {}) if screening is not None else {}
    codes = {flag.get("code") for flag in result.get("red_flags") or []}
    context = {
        "call_today": urgency in CALL_TODAY,
        "same_day": urgency == "same_day",
        "seek_care_today": urgency == "same_day" and not SEEK_CARE_TODAY.isdisjoint(codes),
        "clinic_phone": location.phone_display if location is not None else "",
        "clinic_tel": location.phone_tel if location is not None else "",
    }
    return render(request, "assessments/questionnaire_sent.html", context)


# --- Therapist ----------------------------------------------------------------------------


@require_GET
@role_required(Role.THERAPIST)
def screening_list(request: HttpRequest) -> HttpResponse:
    """Screenings to review, red flags to acknowledge, or all, newest first, paginated."""
    current = request.GET.get("show", "to_review")
    if current not in LIST_FILTERS:
        current = "to_review"
    screenings = Screening.objects.listed_for(request.user)
    if current == "unacknowledged":
        screenings = screenings.needing_acknowledgement()
    else:
        screenings = screenings.filter(**LIST_FILTERS[current][1])
    paginator = CappedPaginator(screenings.order_by("-created_at", "-id"), PAGE_SIZE, cap=LIST_CAP)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    shown = ((s.patient_id, s.pk) for s in page.object_list)
    audit_patient_list(request, kind=AccessKind.SCREENING_LIST, shown=shown)
    filters = [(key, label) for key, (label, _) in LIST_FILTERS.items()]
    return render(
        request,
        "assessments/screening_list.html",
        {"page": page, "current": current, "filters": filters},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def screening_start(request: HttpRequest) -> HttpResponse:
    """A new screening the therapist fills in with the runner, exam findings included."""
    patients = Patient.objects.visible_to(request.user)
    data = request.POST or None
    initial = {"patient": request.GET.get("patient")} if request.GET.get("patient") else None
    patient_form = PatientChoiceForm(data, patients=patients, initial=initial)
    form = ScreeningAnswersForm(data)
    if request.method == "POST" and patient_form.is_valid():
        patient = patient_form.cleaned_data["patient"]
        saved = _create(form, patient=patient, user=request.user, source=ScreeningSource.THERAPIST)
        if saved is not None:
            return redirect("assessments:screening_detail", pk=saved.pk)
    # The picker names every patient the therapist may see: a list read of all of them.
    shown = ((pk, pk) for pk in patients.values_list("pk", flat=True))
    audit_patient_list(request, kind=AccessKind.PATIENT_LIST, shown=shown)
    return render(
        request,
        "assessments/screening_start.html",
        {"form": form, "patient_form": patient_form},
    )


@require_GET
@role_required(Role.THERAPIST)
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The screening result: red flags first, then the ranked conditions with their reasons."""
    screening = get_screening_for_user(request, pk)
    return render(request, "assessments/screening_detail.html", _detail_context(screening))


def _detail_context(screening: Screening, **forms) -> dict:
    """Context of the detail page, with fresh or bound forms."""
    initial = {"diagnosis": screening.final_diagnosis, "note": screening.final_diagnosis_note}
    return {
        "screening": screening,
        "result": result_view(screening.result),
        "ack_form": forms.get("ack_form") or AcknowledgeForm(),
        "diagnosis_form": forms.get("diagnosis_form") or DiagnosisForm(initial=initial),
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def screening_review_answers(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen page, pre-filled with the runner's answers, where exam findings are added."""
    screening = get_screening_for_user(request, pk)
    if request.method == "POST":
        form = ScreeningAnswersForm(request.POST)
        saved = _save_answers(
            form,
            lambda answers: screening_review(
                screening=screening, answers=answers, reviewed_by=request.user
            ),
        )
        if saved is not None:
            return redirect("assessments:screening_detail", pk=saved.pk)
    else:
        form = ScreeningAnswersForm(initial=ScreeningAnswersForm.initial_from(screening.answers))
    high_risk = sorted(HIGH_RISK_REGIONS.intersection(screening.answers.get("regions", ())))
    return render(
        request,
        "assessments/screening_review.html",
        {
            "screening": screening,
            "form": form,
            "result": result_view(screening.result),
            "high_risk": high_risk,
        },
    )


@require_POST
@role_required(Role.THERAPIST)
def screening_acknowledge_flags(request: HttpRequest, pk: int) -> HttpResponse:
    """Acknowledge a referral or suspected bone stress injury, with what was done."""
    screening = get_screening_for_user(request, pk, kind=None)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            screening_acknowledge(
                screening=screening, acknowledged_by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Red flags acknowledged.")
            return redirect("assessments:screening_detail", pk=screening.pk)
    context = _detail_context(screening, ack_form=form)
    return render(request, "assessments/screening_detail.html", context, status=400)


@require_POST
@role_required(Role.THERAPIST)
def screening_diagnose(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the final working diagnosis."""
    screening = get_screening_for_user(request, pk, kind=None)
    form = DiagnosisForm(request.POST)
    if form.is_valid():
        try:
            screening_record_diagnosis(
                screening=screening,
                diagnosed_by=request.user,
                diagnosis=form.cleaned_data["diagnosis"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Working diagnosis recorded.")
            return redirect("assessments:screening_detail", pk=screening.pk)
    context = _detail_context(screening, diagnosis_form=form)
    return render(request, "assessments/screening_detail.html", context, status=400)
