"""Emails to a runner are written in the runner's language, subject, body and date alike."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from patients.models import Language, Patient
from patients.reminders.messages import build_message, format_when
from patients.reminders.models import ReminderKind
from patients.services import appointment_book, runner_invitation_send
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
LA = ZoneInfo("America/Los_Angeles")
FRIDAY = dt.datetime(2026, 12, 4, 15, 30, tzinfo=LA)


def test_when_is_us_english_12_hour():
    """English: "Friday, December 4, 2026, 3:30 PM"; short: "Fri, Dec 4, 3:30 PM"."""
    with translation.override("en"):
        assert format_when(FRIDAY) == "Friday, December 4, 2026, 3:30 PM"
        assert format_when(FRIDAY, short=True) == "Fri, Dec 4, 3:30 PM"


def test_when_is_written_the_spanish_way():
    """Spanish as written in the US (dangpt/formats/es), 12-hour: "…de 2026, 3:30 PM"."""
    with translation.override("es"):
        assert format_when(FRIDAY) == "viernes 4 de diciembre de 2026, 3:30 PM"
        assert format_when(FRIDAY.replace(hour=9), short=True) == "vie 4 dic, 9:30 AM"


@pytest.fixture
def booked_in_spanish(clinic):
    """An appointment of a runner who reads Spanish, Monday 10:00 in Los Angeles."""
    patient = PatientFactory(
        preferred_location=clinic.location,
        first_name="Lucía",
        preferred_language=Language.SPANISH,
        email="lucia@example.test",
    )
    start = dt.datetime.combine(clinic.monday, dt.time(10), tzinfo=LA)
    return appointment_book(
        patient=patient, therapist=clinic.therapist, appointment_type=clinic.follow_up, start=start
    )


def test_reminder_for_a_spanish_reader_is_spanish_whatever_the_active_language(
    booked_in_spanish,
):
    """Subject, greeting, labels, date and links text are Spanish; nothing clinical."""
    reminder = booked_in_spanish.reminders.get(kind=ReminderKind.REMINDER_24H)
    with translation.override("en"):  # e.g. a worker, or a desk page, in English
        message = build_message(reminder)
    assert message.subject.startswith("Recordatorio: su cita el lun ")
    assert "10:00 AM" in message.subject
    day = booked_in_spanish.start.astimezone(LA).day
    for body in (message.text, message.html):
        assert "Hola, Lucía:" in body and "Le recordamos su cita." in body
        assert f"lunes {day} de " in body and ", 10:00 AM" in body and "minutos" in body
        assert "Reminder" not in body and "Hello" not in body
    assert '<html lang="es">' in message.html
    assert "Voy a ir" in message.html and "Confirme que va a venir:" in message.text
    assert translation.get_language() == "en"  # the override did not leak


def test_reminder_for_an_english_reader_stays_english(clinic):
    """The default reader gets the English email with the US date."""
    patient = PatientFactory(preferred_location=clinic.location, first_name="Riley")
    start = dt.datetime.combine(clinic.monday, dt.time(15, 30), tzinfo=LA)
    appointment = appointment_book(
        patient=patient, therapist=clinic.therapist, appointment_type=clinic.follow_up, start=start
    )
    with translation.override("es"):
        message = build_message(appointment.reminders.get(kind=ReminderKind.CONFIRMATION))
    assert message.subject.startswith("Your appointment is booked: Mon, ")
    assert "3:30 PM" in message.subject and "Hello Riley," in message.text


@pytest.mark.usefixtures("celery_eager")
def test_invitation_email_is_in_the_runners_language(
    front_desk, mailoutbox, django_capture_on_commit_callbacks
):
    """The portal invitation's subject and body follow the runner's language."""
    patient = PatientFactory(preferred_language=Language.SPANISH, email="ana@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        runner_invitation_send(patient=patient, by=front_desk)
    (mail,) = mailoutbox
    assert mail.subject.startswith("Su portal de corredor de")
    assert "Elija su contraseña aquí" in mail.body and "/invite/" in mail.body


def test_password_reset_email_is_in_the_runners_saved_language(runner, client, mailoutbox):
    """Asked from an English browser, the reset email still comes in the runner's Spanish."""
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    client.post(reverse("password_reset"), {"email": runner.email}, HTTP_ACCEPT_LANGUAGE="en")
    (mail,) = mailoutbox
    assert mail.subject == "Restablezca su contraseña de Dang PT"
    assert mail.body.startswith("Hola:") and "en las próximas dos horas" in mail.body


def test_password_reset_email_to_staff_is_english(therapist, client, mailoutbox):
    """Staff read English, even when the request came from a Spanish browser."""
    client.post(reverse("password_reset"), {"email": therapist.email}, HTTP_ACCEPT_LANGUAGE="es")
    (mail,) = mailoutbox
    assert mail.subject == "Reset your Dang PT password"


def test_emailed_link_opens_in_the_language_of_its_email(booked_in_spanish, client):
    """A Spanish reader's "I'm coming" link opens in Spanish, even in an English browser."""
    from urllib.parse import urlsplit

    from patients.reminders.links import appointment_link

    url = urlsplit(appointment_link(appointment=booked_in_spanish, action="confirm")).path
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en-US")
    assert page["Content-Language"] == "es"
    assert "Confirme su cita" in page.content.decode()
    client.cookies["django_language"] = "en"  # the visitor chose English with the switch
    assert "Confirm your appointment" in client.get(url).content.decode()
