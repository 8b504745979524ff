"""What each reminder says: time, place, therapist and links — never anything clinical."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from patients.reminders.channels import Message
from patients.reminders.links import appointment_link, unsubscribe_link
from patients.reminders.models import Reminder, ReminderKind

SUBJECTS = {
    ReminderKind.CONFIRMATION: "Your appointment is booked: {when}",
    ReminderKind.REMINDER_24H: "Reminder: your appointment {when}",
    ReminderKind.CANCELLATION: "Your appointment on {when} is cancelled",
    ReminderKind.MOVED: "Your appointment has moved: {when}",
    ReminderKind.PROGRAM_NUDGE: "Your exercises for today",
    ReminderKind.QUESTIONNAIRE_DUE: "A short questionnaire is due",
}
INTROS = {
    ReminderKind.CONFIRMATION: "Your appointment is booked.",
    ReminderKind.REMINDER_24H: "This is a reminder of your appointment.",
    ReminderKind.CANCELLATION: "Your appointment has been cancelled.",
    ReminderKind.MOVED: "Your appointment has moved. Here is the new time, place and therapist.",
    ReminderKind.PROGRAM_NUDGE: "You have not logged today's exercises yet.",
    ReminderKind.QUESTIONNAIRE_DUE: "Your therapist asks you to fill in a short questionnaire.",
}


def _appointment_context(reminder: Reminder) -> dict:
    appointment = reminder.appointment
    zone = ZoneInfo(appointment.location.time_zone)
    local = appointment.start.astimezone(zone)
    active = reminder.kind != ReminderKind.CANCELLATION and appointment.is_active
    links = {}
    if active:
        links = {
            action: appointment_link(appointment=appointment, action=action)
            for action in ("confirm", "cancel", "calendar")
        }
    return {
        "when": local.strftime("%A %-d %B %Y at %-I:%M %p"),
        "when_short": local.strftime("%a %-d %b, %-I:%M %p"),
        "zone": local.tzname(),
        "place": appointment.location.name,
        "address": appointment.location.address,
        "phone": appointment.location.phone,
        "therapist": appointment.therapist.get_full_name() or "your therapist",
        "visit": appointment.appointment_type.name,
        "minutes": appointment.appointment_type.duration_minutes,
        "links": links,
    }


def build_message(reminder: Reminder) -> Message:
    """Render the plain-text and HTML email for a reminder."""
    context = {
        "clinic": settings.CLINIC_NAME,
        "first_name": reminder.patient.first_name,
        "kind": reminder.kind,
        "intro": INTROS[reminder.kind],
        "unsubscribe": unsubscribe_link(patient_id=reminder.patient_id, kind=reminder.kind),
        "portal": f"{settings.SITE_URL}{reverse('home')}",
    }
    attachments: tuple = ()
    if reminder.appointment_id:
        context.update(_appointment_context(reminder))
        subject = SUBJECTS[reminder.kind].format(when=context["when_short"])
        if reminder.kind != ReminderKind.CANCELLATION:
            from patients.services.calendar import appointment_ics

            ics = appointment_ics(appointment=reminder.appointment)
            attachments = (("appointment.ics", ics, "text/calendar"),)
    else:
        subject = SUBJECTS[reminder.kind]
    return Message(
        to=reminder.patient.email,
        subject=f"{subject} · {settings.CLINIC_NAME}",
        text=render_to_string("patients/email/reminder.txt", context),
        html=render_to_string("patients/email/reminder.html", context),
        attachments=attachments,
    )
