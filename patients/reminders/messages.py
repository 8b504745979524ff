"""What each reminder says: time, place, therapist and links — never anything clinical.

Written in the runner's language: the subject, the body and the date and time.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dangpt.dates import shown
from patients.policy import cancel_until, policy_for
from patients.reminders.channels import Message
from patients.reminders.links import appointment_link, unsubscribe_link
from patients.reminders.models import Reminder, ReminderKind

SUBJECTS = {
    ReminderKind.CONFIRMATION: _("Your appointment is booked: %(when)s"),
    ReminderKind.REMINDER_24H: _("Reminder: your appointment %(when)s"),
    ReminderKind.CANCELLATION: _("Your appointment on %(when)s is cancelled"),
    ReminderKind.MOVED: _("Your appointment has moved: %(when)s"),
    ReminderKind.PROGRAM_NUDGE: _("Your exercises for today"),
    ReminderKind.QUESTIONNAIRE_DUE: _("A short questionnaire is due"),
}
INTROS = {
    ReminderKind.CONFIRMATION: _("Your appointment is booked."),
    ReminderKind.REMINDER_24H: _("This is a reminder of your appointment."),
    ReminderKind.CANCELLATION: _("Your appointment has been cancelled."),
    ReminderKind.MOVED: _("Your appointment has moved. Here is the new time, place and therapist."),
    ReminderKind.PROGRAM_NUDGE: _("You have not logged today's exercises yet."),
    ReminderKind.QUESTIONNAIRE_DUE: _("Your therapist asks you to fill in a short questionnaire."),
}


def format_when(local, *, short: bool = False) -> str:
    """A date and time in its own zone, the clinic's one US way in the active language:
    "Friday, December 4, 2026, 3:30 PM" (short: "Fri, Dec 4, 3:30 PM"); Spanish from
    dangpt/formats/es ("viernes 4 de diciembre de 2026, 3:30 PM")."""
    with timezone.override(local.tzinfo):
        if short:
            return shown(local, "weekday_time")
        return f"{shown(local, 'long')}, {shown(local, 'time')}"


def _appointment_context(reminder: Reminder) -> dict:
    appointment = reminder.appointment
    zone = ZoneInfo(appointment.location.time_zone)
    local = appointment.start.astimezone(zone)
    active = reminder.kind != ReminderKind.CANCELLATION and appointment.is_active
    links, cancel_window = {}, ""
    if active:
        links = {
            action: appointment_link(appointment=appointment, action=action)
            for action in ("confirm", "cancel", "calendar")
        }
        # The window the late-cancel flag uses: the location's cut-off, not a fixed 24 hours.
        cancel_window = cancel_until(policy_for(appointment.location))
    return {
        "when": format_when(local),
        "when_short": format_when(local, short=True),
        "zone": local.tzname(),
        "place": appointment.location.name,
        "address": appointment.location.address,
        "phone": appointment.location.phone_display,
        "therapist": appointment.therapist.get_full_name() or gettext("your therapist"),
        "visit": appointment.appointment_type.shown_name,
        "minutes": appointment.appointment_type.duration_minutes,
        "links": links,
        "cancel_until": cancel_window,
    }


def build_message(reminder: Reminder) -> Message:
    """Render the plain-text and HTML email for a reminder, in the runner's language."""
    with translation.override(reminder.patient.preferred_language or settings.LANGUAGE_CODE):
        return _build(reminder)


def _build(reminder: Reminder) -> Message:
    context = {
        "language": translation.get_language(),
        "clinic": settings.CLINIC_NAME,
        "first_name": reminder.patient.first_name,
        "kind": reminder.kind,
        "intro": str(INTROS[reminder.kind]),
        "unsubscribe": unsubscribe_link(patient_id=reminder.patient_id, kind=reminder.kind),
        "portal": f"{settings.SITE_URL}{reverse('home')}",
    }
    attachments: tuple = ()
    if reminder.appointment_id:
        context.update(_appointment_context(reminder))
        subject = SUBJECTS[reminder.kind] % {"when": context["when_short"]}
        if reminder.kind != ReminderKind.CANCELLATION:
            from patients.services.calendar import appointment_ics

            ics = appointment_ics(appointment=reminder.appointment)
            attachments = (("appointment.ics", ics, "text/calendar"),)
    else:
        subject = str(SUBJECTS[reminder.kind])
    return Message(
        to=reminder.patient.email,
        subject=f"{subject} · {settings.CLINIC_NAME}",
        text=render_to_string("patients/email/reminder.txt", context),
        html=render_to_string("patients/email/reminder.html", context),
        attachments=attachments,
    )
