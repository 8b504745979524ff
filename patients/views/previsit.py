"""The runner's pre-visit checklist: about you, your running, consents, and the questionnaire."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangpt.forms import add_service_errors
from dangpt.roles import Role, role_required
from dangpt.security import client_ip
from patients import services
from patients.language import remember_language
from patients.models import ConsentKind, DistanceUnit, Patient
from patients.previsit import consent_states, local_zone, previsit_checklist, when_text
from patients.previsit_forms import AboutYouForm, ConsentSignForm, RunningForm
from patients.selectors import runner_patient
from patients.services.consents import consent_sign


def _patient(request: HttpRequest) -> Patient:
    """The signed-in runner's own record, read fresh with what these pages show."""
    mine = runner_patient(request.user)
    return Patient.objects.select_related("preferred_location", "running_profile").get(pk=mine.pk)


def _after_save(request: HttpRequest, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("patients:previsit")


@require_GET
@role_required(Role.RUNNER)
def before_your_visit(request: HttpRequest) -> HttpResponse:
    """The checklist: each item done or still to do, with the runner's first visit if booked."""
    patient = _patient(request)
    checklist = previsit_checklist(patient)
    visit = checklist.first_visit
    context = {
        "checklist": checklist,
        "visit": visit,
        "visit_when": when_text(visit.start, local_zone(patient)) if visit else None,
    }
    return render(request, "patients/previsit.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def about_you(request: HttpRequest) -> HttpResponse:
    """The runner's name, birth date, phone, address, emergency contact and language."""
    patient = _patient(request)
    form = AboutYouForm.for_patient(patient, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(patient=patient, fields=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            remember_language(request, form.cleaned_data["preferred_language"])
            return _after_save(request, _("Your details are saved."))
    return render(request, "patients/previsit_about.html", {"form": form})


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def your_running(request: HttpRequest) -> HttpResponse:
    """How the runner trains, in miles or kilometres as they think of distance."""
    patient = _patient(request)
    unit = patient.distance_unit or DistanceUnit.MILES
    profile = getattr(patient, "running_profile", None)
    data = request.POST if request.method == "POST" else None
    form = RunningForm.for_profile(profile, unit, data)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(
                patient=patient, fields={}, running_profile=form.profile_values(), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            return _after_save(request, _("Your running profile is saved."))
    return render(request, "patients/previsit_running.html", {"form": form, "miles": form.miles})


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def consents(request: HttpRequest) -> HttpResponse:
    """Each consent's full current text; the runner signs with their typed name and I agree."""
    patient = _patient(request)
    language = get_language()
    posted = None
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        posted = ConsentSignForm(request.POST, auto_id=_auto_id(kind))
    if posted is not None and posted.is_valid():
        try:
            consent_sign(
                patient=patient,
                kind=posted.cleaned_data["kind"],
                language=language,
                shown_sha256=posted.cleaned_data["shown_sha256"],
                typed_name=posted.cleaned_data["typed_name"],
                address=client_ip(request),
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(exc, posted)
        else:
            messages.success(request, _("Thank you, your consent is signed."))
            return redirect("patients:previsit_consents")
    if posted is not None:
        for hidden in ("kind", "shown_sha256"):  # not shown as fields: say it above the form
            if hidden in posted.errors:
                posted.add_error(None, posted.errors.pop(hidden))
    zone = local_zone(patient)
    rows = []
    for state in consent_states(patient, language):
        if posted is not None and posted.data.get("kind") == state.kind:
            form = posted
        else:
            initial = {"kind": state.kind, "shown_sha256": state.text.sha256}
            form = ConsentSignForm(initial=initial, auto_id=_auto_id(state.kind))
        signed_when = when_text(state.signed.given_at, zone) if state.signed else None
        outdated_when = when_text(state.outdated.given_at, zone) if state.outdated else None
        rows.append(
            {
                "state": state,
                "form": form,
                "signed_when": signed_when,
                "outdated_when": outdated_when,
            }
        )
    status = 400 if posted is not None else 200  # only a refused signature comes back here
    return render(request, "patients/previsit_consents.html", {"rows": rows}, status=status)


def _auto_id(kind: str) -> str:
    """Field ids of one consent's form: several forms share the page, each needs its own ids."""
    return f"id_{kind}_%s" if kind in ConsentKind.values else "id_consent_%s"
