"""Front desk: intake, the patient list and record, and runner invitations."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangpt import auth_backend
from dangpt.audit import audit_patient_list
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.pagination import CappedPaginator
from dangpt.roles import CLINICIAN_ROLES, DESK_ROLES, STAFF_ROLES, role_of, role_required
from dangpt.security import client_ip
from patients import services
from patients.forms import ConsentForm, PatientForm, ReferringProviderForm, RunningProfileForm
from patients.models import Appointment, Patient
from patients.previsit import consent_rows, previsit_checklist
from patients.selectors import read_patient
from patients.views.common import get_patient_for_user

LIST_CAP = 1_000  # matches counted; past that the page asks for a narrower search


@require_GET
@role_required(*STAFF_ROLES)
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients, searchable by name, email, phone or date of birth, 25 a page."""
    query = request.GET.get("q", "").strip()
    rows = Patient.objects.visible_to(request.user).search(query).with_attendance()
    rows = rows.order_by("last_name", "first_name", "id")
    paginator = CappedPaginator(rows.select_related("preferred_location"), 25, cap=LIST_CAP)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    shown = ((p.pk, p.pk) for p in page.object_list)
    audit_patient_list(request, kind=AccessKind.PATIENT_LIST, shown=shown)
    return render(request, "patients/patient_list.html", {"page": page, "query": query})


def _intake_forms(request, patient=None):
    profile = getattr(patient, "running_profile", None) if patient else None
    referrer = getattr(patient, "referring_provider", None) if patient else None
    given = patient.consents.values_list("kind", "text_version") if patient else ()
    data = request.POST if request.method == "POST" else None
    return (
        PatientForm(data, instance=patient, prefix="p"),
        RunningProfileForm(data, instance=profile, prefix="r"),
        ConsentForm(data, given=given, prefix="c"),
        ReferringProviderForm(data, instance=referrer, prefix="rp"),
    )


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def patient_register(request: HttpRequest) -> HttpResponse:
    """Intake: details, running profile and consents; a likely duplicate is shown first."""
    patient_form, profile_form, consent_form, referrer_form = _intake_forms(request)
    duplicates = []
    if request.method == "POST" and all(
        f.is_valid() for f in (patient_form, profile_form, consent_form, referrer_form)
    ):
        fields = {k: v for k, v in patient_form.cleaned_data.items() if k != "confirm_duplicate"}
        try:
            patient = services.patient_register(
                fields=fields,
                running_profile=profile_form.cleaned_data,
                consents=consent_form.kinds(),
                consent_address=client_ip(request),
                by=request.user,
                allow_duplicate=patient_form.cleaned_data["confirm_duplicate"],
                referring_provider=referrer_form.values(),
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "duplicate":
                duplicates = list(services.patient_duplicates(**_identity(fields)))
                # Only now is the tick box shown: the desk must look at the matches first.
                patient_form.fields["confirm_duplicate"].widget = forms.CheckboxInput()
            else:
                add_service_errors(exc, patient_form, profile_form, consent_form, referrer_form)
        else:
            messages.success(request, "Patient registered.")
            return redirect("patients:detail", pk=patient.pk)
    context = {
        "patient_form": patient_form,
        "profile_form": profile_form,
        "consent_form": consent_form,
        "referrer_form": referrer_form,
        "duplicates": duplicates,
    }
    return render(request, "patients/patient_register.html", context)


def _identity(fields: dict) -> dict:
    keys = ("first_name", "last_name", "date_of_birth", "email")
    return {k: fields.get(k) or "" for k in keys}


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def patient_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a patient's intake details."""
    patient = read_patient(
        request, pk, Patient.objects.select_related("running_profile", "referring_provider")
    )
    patient_form, profile_form, consent_form, referrer_form = _intake_forms(request, patient)
    if request.method == "POST" and all(
        f.is_valid() for f in (patient_form, profile_form, consent_form, referrer_form)
    ):
        fields = {k: v for k, v in patient_form.cleaned_data.items() if k != "confirm_duplicate"}
        try:
            services.patient_update(
                patient=patient,
                fields=fields,
                running_profile=profile_form.cleaned_data,
                consents=consent_form.kinds(),
                consent_address=client_ip(request),
                by=request.user,
                referring_provider=referrer_form.values(),
            )
        except ValidationError as exc:
            add_service_errors(exc, patient_form, profile_form, consent_form, referrer_form)
        else:
            messages.success(request, "Patient details saved.")
            return redirect("patients:detail", pk=patient.pk)
    context = {
        "patient": patient,
        "patient_form": patient_form,
        "profile_form": profile_form,
        "consent_form": consent_form,
        "referrer_form": referrer_form,
    }
    return render(request, "patients/patient_edit.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*STAFF_ROLES)
def referrer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change who referred the runner (letters go to them); clearing every field removes it."""
    patient = read_patient(request, pk, Patient.objects.select_related("referring_provider"))
    referrer = getattr(patient, "referring_provider", None)
    form = ReferringProviderForm(request.POST or None, instance=referrer, prefix="rp")
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(
                patient=patient, fields={}, referring_provider=form.values(), by=request.user
            )
        except ValidationError as exc:
            add_service_errors(exc, form, prefix="referring_provider.")
        else:
            messages.success(request, "Referring provider saved.")
            if role_of(request.user) in CLINICIAN_ROLES:
                return redirect("assessments:patient_chart", patient_id=patient.pk)
            return redirect("patients:detail", pk=patient.pk)
    return render(request, "patients/referrer_edit.html", {"patient": patient, "form": form})


@require_GET
@role_required(*STAFF_ROLES)
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient's record: contact, running profile, consents, appointments and attendance."""
    # One query for the record, its running profile and its attendance counts.
    patient = read_patient(
        request,
        pk,
        Patient.objects.with_attendance().select_related("running_profile", "referring_provider"),
    )
    history = Appointment.objects.with_related().filter(patient=patient).order_by("-start")
    context = {
        "patient": patient,
        "profile": getattr(patient, "running_profile", None),
        "referrer": getattr(patient, "referring_provider", None),
        "consents": consent_rows(patient),
        "appointments": history,
        "no_show_count": patient.no_show_count,
        "late_cancel_count": patient.late_cancel_count,
        "waitlist": patient.waitlist_entries.filter(status="waiting").select_related(
            "appointment_type"
        ),
    }
    return render(request, "patients/patient_detail.html", context)


@require_POST
@role_required(*DESK_ROLES)
def patient_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Email the runner a single-use link to set their portal password."""
    patient = get_patient_for_user(request, pk)
    try:
        services.runner_invitation_send(patient=patient, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        # A worker emails it (an SMTP outage delays it and is retried): say so, not "sent".
        messages.success(
            request,
            f"The invitation will be emailed to {patient.email} within a few minutes; its link "
            "works once, for 7 days. If it has not arrived within the hour, send it again.",
        )
    return redirect("patients:detail", pk=patient.pk)


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The runner chooses a password from the invitation link and lands on their portal (on the
    pre-visit checklist while something on it is still to do)."""
    user = services.runner_invitation_check(uidb64=uidb64, token=token)
    if user is None:
        return render(request, "patients/invitation_invalid.html", status=404)
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.runner_invitation_accept(
                user=user, token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            login(request, user, backend=auth_backend.PATH)
            messages.success(request, _("Welcome! Your password is set."))
            # Something still to do before the first visit: the checklist, not the program page.
            if not previsit_checklist(user.patient).complete:
                return redirect("patients:previsit")
            return redirect("home")
    return render(request, "patients/invitation_accept.html", {"form": form})
