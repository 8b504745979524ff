"""Reminder pages: the signed links from emails, the front desk's outbox, a runner's choices."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangpt.audit import audit_patient_list
from dangpt.models import AccessKind
from dangpt.pagination import CappedPaginator
from dangpt.roles import DESK_ROLES, Role, role_required
from patients.language import remember_language
from patients.models import Appointment, AppointmentStatus, Patient
from patients.policy import cancel_refusal
from patients.reminders.forms import (
    ReminderFilterForm,
    ReminderPreferenceForm,
    RunnerSettingsForm,
)
from patients.reminders.links import LinkExpired, LinkInvalid, epoch, read_link
from patients.reminders.models import Reminder, ReminderKind, ReminderPreference
from patients.reminders.services import (
    reminder_preference_save,
    reminder_retry,
    reminder_unsubscribe,
)
from patients.services import (
    appointment_confirm,
    appointment_ics,
    patient_preferences_save,
    runner_cancel,
)


def _link_page(request, template: str, status: int = 200, **context) -> HttpResponse:
    return render(request, f"patients/reminders/{template}.html", context, status=status)


def _read_in_language_of(request, patient: Patient) -> None:
    """Answer an emailed link in the language its email was written in, unless the visitor
    chose a language with the switch (the cookie)."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(patient.preferred_language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()


def _appointment_link(request, target) -> HttpResponse:
    appointment = (
        Appointment.objects.select_related("location", "therapist", "appointment_type", "patient")
        .filter(pk=target.appointment_id)
        .first()
    )
    if appointment is None:
        return _link_page(request, "link_invalid", status=404)
    _read_in_language_of(request, appointment.patient)
    if epoch(appointment.start) != target.start:
        return _link_page(request, "link_expired", status=410, reason="moved")
    if target.action == "calendar":
        if appointment.status == AppointmentStatus.CANCELLED:
            return _link_page(request, "link_expired", status=410, reason="cancelled")
        response = HttpResponse(appointment_ics(appointment=appointment), "text/calendar")
        response["Content-Disposition"] = 'attachment; filename="appointment.ics"'
        return response
    now = timezone.now()
    if appointment.start <= now:
        return _link_page(request, "link_expired", status=410, reason="started")
    # No "late" warning: the link cancels only before the location's cut-off, and a cancel inside
    # that window (the desk's) is the late one.
    context = {"appointment": appointment, "action": target.action}
    if target.action == "cancel" and appointment.is_active:
        # Past the location's cut-off the link says so before offering a button.
        refusal = cancel_refusal(appointment, now=now)
        if refusal is not None:
            return _link_page(request, "link_done", error=refusal, **context)
    if request.method == "POST":
        return _act(request, appointment, target.action, context)
    return _link_page(request, "link_action", **context)


def _act(request, appointment: Appointment, action: str, context: dict) -> HttpResponse:
    done_already = (action == "confirm" and appointment.status != AppointmentStatus.BOOKED) or (
        action == "cancel" and not appointment.is_active
    )
    if not done_already:
        try:
            if action == "confirm":
                appointment = appointment_confirm(appointment=appointment)
            else:
                appointment = runner_cancel(
                    appointment=appointment, by=None, reason="Cancelled from the reminder email"
                )
        except ValidationError as exc:
            return _link_page(request, "link_done", error=" ".join(exc.messages), **context)
    context["appointment"] = appointment
    return _link_page(request, "link_done", already=done_already, **context)


@login_not_required
@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, token: str) -> HttpResponse:
    """A signed link from an email; GET shows what it will do, POST does it (once)."""
    try:
        target = read_link(token, now=timezone.now())
    except LinkInvalid:
        return _link_page(request, "link_invalid", status=400)
    except LinkExpired as expired:
        reason = "unsubscribe" if expired.action == "unsubscribe" else "expired"
        return _link_page(request, "link_expired", status=410, reason=reason)
    if target.action != "unsubscribe":
        return _appointment_link(request, target)
    patient = Patient.objects.filter(pk=target.patient_id).first()
    if patient is None:
        return _link_page(request, "link_invalid", status=404)
    _read_in_language_of(request, patient)
    kind_label = ReminderKind(target.kind).label if target.kind in ReminderKind.values else ""
    if request.method == "POST":
        reminder_unsubscribe(patient=patient, kind=target.kind)
        return _link_page(request, "unsubscribed", kind_label=kind_label)
    return _link_page(request, "unsubscribe_confirm", kind_label=kind_label)


OUTBOX_CAP = 1_000


@require_GET
@role_required(*DESK_ROLES)
def outbox(request: HttpRequest) -> HttpResponse:
    """Upcoming, sent, failed and skipped reminders, newest due first, with errors."""
    form = ReminderFilterForm(request.GET or None)
    # The patient check is probed per row (EXISTS) so the (due_at, id) index leads; the pager
    # counts at most OUTBOX_CAP rows.
    seen = Patient.objects.visible_to(request.user).filter(pk=OuterRef("patient_id"))
    reminders = (
        Reminder.objects.filter(Exists(seen))
        .select_related("patient", "appointment__location", "appointment__therapist")
        .order_by("-due_at", "-id")
    )
    if form.is_valid() and form.cleaned_data["status"]:
        reminders = reminders.filter(status=form.cleaned_data["status"])
    page = CappedPaginator(reminders, 50, cap=OUTBOX_CAP).get_page(request.GET.get("page"))
    shown = ((reminder.patient_id, f"reminder {reminder.pk}") for reminder in page)
    audit_patient_list(request, kind=AccessKind.APPOINTMENT_LIST, shown=shown)
    return render(request, "patients/reminders/outbox.html", {"form": form, "page": page})


@require_POST
@role_required(*DESK_ROLES)
def retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed reminder again."""
    reminder = get_object_or_404(
        Reminder.objects.filter(patient__in=Patient.objects.visible_to(request.user)), pk=pk
    )
    try:
        reminder_retry(reminder=reminder)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "The reminder will be sent again within a minute.")
    return redirect("reminders:outbox")


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def preferences(request: HttpRequest) -> HttpResponse:
    """The runner's settings: language, distance unit and which messages they get."""
    patient = get_object_or_404(Patient, user=request.user)
    current = ReminderPreference.objects.filter(patient=patient).first() or ReminderPreference(
        patient=patient
    )
    data = request.POST if request.method == "POST" else None
    settings_form = RunnerSettingsForm(
        data,
        initial={
            "preferred_language": patient.preferred_language,
            "distance_unit": patient.distance_unit,
        },
    )
    form = ReminderPreferenceForm(data, instance=current)
    if data is not None and settings_form.is_valid() and form.is_valid():
        with transaction.atomic():  # both parts of the page are saved, or neither
            patient = patient_preferences_save(
                patient=patient,
                language=settings_form.cleaned_data["preferred_language"] or None,
                distance_unit=settings_form.cleaned_data["distance_unit"] or None,
            )
            reminder_preference_save(patient=patient, values=form.cleaned_data)
        remember_language(request, patient.preferred_language)
        messages.success(request, gettext("Your settings are saved."))
        return redirect("reminders:preferences")
    context = {"form": form, "settings_form": settings_form}
    return render(request, "patients/reminders/preferences.html", context)
