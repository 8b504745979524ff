"""The reminder outbox: rows follow the appointment, messages stay non-clinical, links act once."""

import datetime as dt
import logging
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangpt.roles import Role
from patients.models import AppointmentStatus, BookingPolicy
from patients.reminders.links import SALT as LINK_SALT
from patients.reminders.links import UNSUBSCRIBE_DAYS, appointment_link, unsubscribe_link
from patients.reminders.messages import build_message
from patients.reminders.models import (
    Channel,
    Reminder,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
)
from patients.reminders.services import (
    SendOutcome,
    reminder_claim_due,
    reminder_send,
    reminder_sweep_stale,
    retry_delay,
)
from patients.services import appointment_book, appointment_cancel, appointment_reschedule
from tests.factories import PatientFactory
from tests.patients.factories import AppointmentFactory

LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def booked(clinic):
    """An appointment booked through the service two weeks ahead, Monday 10:00 in LA."""
    patient = PatientFactory(preferred_location=clinic.location, first_name="Riley")
    start = dt.datetime.combine(clinic.monday, dt.time(10), tzinfo=LA)
    return appointment_book(
        patient=patient, therapist=clinic.therapist, appointment_type=clinic.follow_up, start=start
    )


def path_of(url: str) -> str:
    return urlsplit(url).path


def test_booking_writes_confirmation_and_day_before_rows(booked):
    """One row per kind; the day-before reminder is due 24 hours ahead of the start."""
    rows = {r.kind: r for r in booked.reminders.all()}
    assert set(rows) == {ReminderKind.CONFIRMATION, ReminderKind.REMINDER_24H}
    assert rows[ReminderKind.REMINDER_24H].due_at == booked.start - dt.timedelta(hours=24)
    assert all(
        r.status == ReminderStatus.PENDING and r.channel == Channel.EMAIL for r in rows.values()
    )


def test_a_rolled_back_booking_leaves_no_reminder(clinic):
    """The outbox rows live and die with the booking's transaction."""
    start = dt.datetime.combine(clinic.monday, dt.time(11), tzinfo=LA)
    with pytest.raises(RuntimeError), transaction.atomic():
        appointment_book(
            patient=PatientFactory(),
            therapist=clinic.therapist,
            appointment_type=clinic.follow_up,
            start=start,
        )
        raise RuntimeError("roll back")
    assert not Reminder.objects.exists()


def test_rescheduling_moves_the_reminder_and_rearms_it(booked):
    """A moved appointment gets a "moved" notice now and a day-before reminder at the new time;
    the confirmation already sent stays sent."""
    booked.reminders.update(status=ReminderStatus.SENT, sent_at=timezone.now())
    new_start = booked.start + dt.timedelta(days=1, hours=1)
    moved = appointment_reschedule(appointment=booked, start=new_start, by=None)
    day_before = moved.reminders.get(kind=ReminderKind.REMINDER_24H)
    assert day_before.due_at == moved.start - dt.timedelta(hours=24)
    assert dict(moved.reminders.values_list("kind", "status")) == {
        ReminderKind.CONFIRMATION: ReminderStatus.SENT,
        ReminderKind.REMINDER_24H: ReminderStatus.PENDING,
        ReminderKind.MOVED: ReminderStatus.PENDING,
    }


def test_cancelling_skips_pending_rows_and_adds_a_notice(booked):
    """Pending messages are skipped; a cancellation notice is written once."""
    appointment_cancel(appointment=booked, by=None, reason="Sick")
    statuses = dict(booked.reminders.values_list("kind", "status"))
    assert statuses == {
        ReminderKind.CONFIRMATION: ReminderStatus.SKIPPED,
        ReminderKind.REMINDER_24H: ReminderStatus.SKIPPED,
        ReminderKind.CANCELLATION: ReminderStatus.PENDING,
    }


def test_database_refuses_a_second_row_of_the_same_kind(booked):
    """A unique constraint stops duplicate rows whatever the code does."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            patient=booked.patient,
            appointment=booked,
            kind=ReminderKind.CONFIRMATION,
            channel=Channel.EMAIL,
            due_at=timezone.now(),
        )


def test_send_delivers_once_and_a_second_send_does_nothing(booked, mailoutbox):
    """The conditional claim makes a repeated task harmless."""
    confirmation = booked.reminders.get(kind=ReminderKind.CONFIRMATION)
    assert reminder_send(reminder_id=confirmation.pk) is SendOutcome.SENT
    assert reminder_send(reminder_id=confirmation.pk) is SendOutcome.NOT_CLAIMED
    assert len(mailoutbox) == 1
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.SENT and confirmation.sent_at is not None


def test_opted_out_runner_is_skipped_with_the_reason(booked, mailoutbox):
    ReminderPreference.objects.create(patient=booked.patient, confirmation=False)
    confirmation = booked.reminders.get(kind=ReminderKind.CONFIRMATION)
    assert reminder_send(reminder_id=confirmation.pk) is SendOutcome.SKIPPED
    confirmation.refresh_from_db()
    assert confirmation.last_error == "The runner turned these messages off."
    assert mailoutbox == []


def test_sms_has_no_provider_and_is_never_marked_sent(clinic, caplog):
    """An SMS row is skipped with the reason; the log names the row id only."""
    patient = PatientFactory(
        sms_opt_in=True,
        phone="+12135550123",
        last_name="Zebedee",
        preferred_location=clinic.location,
    )
    start = dt.datetime.combine(clinic.monday, dt.time(9), tzinfo=LA)
    appointment = appointment_book(
        patient=patient, therapist=clinic.therapist, appointment_type=clinic.follow_up, start=start
    )
    sms = appointment.reminders.get(kind=ReminderKind.CONFIRMATION, channel=Channel.SMS)
    with caplog.at_level(logging.INFO):
        assert reminder_send(reminder_id=sms.pk) is SendOutcome.SKIPPED
    sms.refresh_from_db()
    assert sms.status == ReminderStatus.SKIPPED
    assert "No SMS provider" in sms.last_error
    assert "Zebedee" not in caplog.text and "+12135550123" not in caplog.text


def test_retry_delay_doubles_and_is_capped(settings):
    settings.REMINDER_RETRY_BASE_SECONDS = 60
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert retry_delay(20) == 3600


def test_sweeper_frees_rows_stuck_in_sending(booked, settings):
    confirmation = booked.reminders.get(kind=ReminderKind.CONFIRMATION)
    stuck_since = timezone.now() - dt.timedelta(seconds=settings.REMINDER_STALE_SECONDS + 5)
    Reminder.objects.filter(pk=confirmation.pk).update(
        status=ReminderStatus.SENDING, claimed_at=stuck_since
    )
    assert reminder_sweep_stale() == 1
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.PENDING and confirmation.enqueued_at is None


def test_dispatcher_claims_only_due_rows_once(booked):
    """Due rows are handed out once; a second run in the re-enqueue window finds nothing."""
    enqueued: list[int] = []
    first = reminder_claim_due(enqueue=enqueued.append)
    assert first == [booked.reminders.get(kind=ReminderKind.CONFIRMATION).pk] == enqueued
    assert reminder_claim_due(enqueue=enqueued.append) == []


def test_message_has_time_place_therapist_links_and_nothing_clinical(booked):
    """The email names the time in the clinic's zone, the place and therapist, and the links."""
    booked.patient.email = "riley@example.test"
    booked.patient.save()
    reminder = booked.reminders.get(kind=ReminderKind.REMINDER_24H)
    message = build_message(reminder)
    local = booked.start.astimezone(LA)
    for text in (message.text, message.html):
        assert local.strftime("%-I:%M %p") in text
        assert "Test Silver Lake" in text and "Dana Nguyen" in text
        assert "/r/" in text
    assert message.attachments[0][2] == "text/calendar"
    clinical_words = [
        "patellofemoral",
        "tendinopathy",
        "fasciitis",
        "stress fracture",
        "pain",
        "diagnos",
    ]
    combined = (message.subject + message.text + message.html).lower()
    assert not [word for word in clinical_words if word in combined]


def test_confirm_link_shows_then_confirms_once(booked, client):
    """GET changes nothing; POST confirms; a second POST says it was already done."""
    url = path_of(appointment_link(appointment=booked, action="confirm"))
    page = client.get(url)
    assert page.status_code == 200 and "Yes, I'm coming" in page.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED
    assert "you are confirmed" in client.post(url).content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.CONFIRMED
    assert "Already confirmed" in client.post(url).content.decode()


def test_cancel_link_before_the_cut_off_is_on_time(clinic, client):
    """Where the location's cut-off is 2 hours, a cancel 5 hours ahead is on time: no late
    warning before, no late flag after (the window is the cut-off the runner is told)."""
    BookingPolicy.objects.create(location=clinic.location, cancel_cutoff_hours=2)
    appointment = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        start=timezone.now() + dt.timedelta(hours=5),
    )
    url = path_of(appointment_link(appointment=appointment, action="cancel"))
    assert "late cancellation" not in client.get(url).content.decode()
    response = client.post(url)
    assert "late cancellation" not in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED and not appointment.late_cancel
    assert "already cancelled" in client.post(url).content.decode()


def test_expired_and_tampered_links_show_a_clear_page(clinic, client):
    past = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        start=timezone.now() - dt.timedelta(hours=1),
    )
    url = path_of(appointment_link(appointment=past, action="confirm"))
    expired = client.post(url)
    assert expired.status_code == 410 and "expired" in expired.content.decode()
    past.refresh_from_db()
    assert past.status == AppointmentStatus.BOOKED
    tampered = client.get(url[:-6] + "abcde/")
    assert tampered.status_code == 400 and "not valid" in tampered.content.decode()
    forged = signing.dumps({"a": past.pk, "x": "cancel"}, salt="another-salt")
    assert client.get(f"/r/{forged}/").status_code == 400


def test_cancel_link_of_a_past_appointment_changes_nothing(clinic, client):
    """Guards the link path against regression: a past appointment's cancel link changes nothing."""
    # The link page answered 410 for a past start before the service had the rule, so this passes
    # on that code too; the service test below is the one that proves the fix.
    past = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        start=timezone.now() - dt.timedelta(minutes=5),
    )
    url = path_of(appointment_link(appointment=past, action="cancel"))
    assert client.post(url).status_code == 410
    past.refresh_from_db()
    assert (past.status, past.late_cancel) == (AppointmentStatus.BOOKED, False)


def test_the_cancel_service_refuses_a_past_appointment_for_the_runner(clinic, runner):
    """The rule sits in the service, under the row lock: this test proves the fix (issue 16 #14)."""
    past = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        start=timezone.now() - dt.timedelta(minutes=5),
    )
    for by in (None, runner):
        with pytest.raises(ValidationError, match="already started"):
            appointment_cancel(appointment=past, by=by)
    past.refresh_from_db()
    assert past.status == AppointmentStatus.BOOKED


def test_calendar_link_downloads_an_ics(booked, client):
    url = path_of(appointment_link(appointment=booked, action="calendar"))
    response = client.get(url)
    assert response["Content-Type"] == "text/calendar"
    assert b"BEGIN:VEVENT" in response.content


def test_links_from_before_a_reschedule_act_on_nothing(booked, client):
    """The first booking email's links stop at the move; the new email's links work."""
    old = {
        a: path_of(appointment_link(appointment=booked, action=a)) for a in ("cancel", "calendar")
    }
    moved = appointment_reschedule(appointment=booked, start=booked.start + dt.timedelta(hours=2))
    for url in old.values():
        page = client.get(url)
        assert page.status_code == 410 and "out of date" in page.content.decode()
    assert client.post(old["cancel"]).status_code == 410
    moved.refresh_from_db()
    assert moved.status == AppointmentStatus.BOOKED
    fresh = path_of(appointment_link(appointment=moved, action="cancel"))
    assert "Cancel" in client.get(fresh).content.decode()


def test_calendar_link_of_a_cancelled_appointment_gives_no_calendar(booked, client):
    url = path_of(appointment_link(appointment=booked, action="calendar"))
    appointment_cancel(appointment=booked, by=None)
    response = client.get(url)
    assert response.status_code == 410 and response["Content-Type"].startswith("text/html")
    assert "was cancelled" in response.content.decode()


def test_calendar_link_expires_when_the_appointment_ends(clinic, client):
    ended = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        start=timezone.now() - dt.timedelta(hours=2),
    )
    response = client.get(path_of(appointment_link(appointment=ended, action="calendar")))
    assert response.status_code == 410 and "expired" in response.content.decode()


def test_links_made_before_they_carried_an_expiry_answer_a_clear_page(booked, client):
    """An old-format token (id and action only) is ours but refused: 410, nothing done."""
    for action in ("confirm", "cancel", "calendar"):
        token = signing.dumps({"a": booked.pk, "x": action}, salt=LINK_SALT, compress=True)
        response = client.post(f"/r/{token}/")
        assert response.status_code == 410 and "expired" in response.content.decode()
    booked.refresh_from_db()
    assert booked.status == AppointmentStatus.BOOKED


def test_unsubscribe_link_expires_after_ninety_days(booked, client, monkeypatch):
    made = timezone.now() - dt.timedelta(days=UNSUBSCRIBE_DAYS + 1)
    with monkeypatch.context() as patch:
        patch.setattr(signing.time, "time", made.timestamp)
        url = path_of(
            unsubscribe_link(patient_id=booked.patient_id, kind=ReminderKind.REMINDER_24H)
        )
    response = client.post(url)
    assert response.status_code == 410 and "your settings" in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_a_reminder_link_leaves_no_token_in_the_change_history(booked, client):
    """pghistory records the URL of each change; a signed link's token is not kept there."""
    url = path_of(appointment_link(appointment=booked, action="cancel"))
    assert client.post(url).status_code == 200
    events = apps.get_model("patients", "AppointmentEvent").objects.filter(pgh_obj=booked)
    event = events.latest("pgh_id")
    assert event.status == AppointmentStatus.CANCELLED
    assert event.pgh_context.metadata["url"] == "/r/[redacted]/"


def test_unsubscribe_link_turns_one_kind_off(booked, client):
    url = path_of(unsubscribe_link(patient_id=booked.patient_id, kind=ReminderKind.REMINDER_24H))
    assert "Stop these messages?" in client.get(url).content.decode()
    assert not ReminderPreference.objects.exists()
    client.post(url)
    preference = ReminderPreference.objects.get(patient=booked.patient)
    assert preference.reminder_24h is False and preference.confirmation is True


@pytest.mark.parametrize("role", [Role.RUNNER, Role.THERAPIST])
def test_outbox_is_404_for_roles_other_than_desk_and_manager(role, make_user, client, db):
    client.force_login(make_user(role))
    assert client.get("/desk/reminders/").status_code == 404


def test_outbox_sends_anonymous_users_to_login(client, db):
    assert client.get("/desk/reminders/").url.startswith("/accounts/login/")


def test_outbox_lists_failed_rows_with_the_error_and_retry_resets_them(booked, front_desk, client):
    row = booked.reminders.get(kind=ReminderKind.CONFIRMATION)
    Reminder.objects.filter(pk=row.pk).update(
        status=ReminderStatus.FAILED, attempts=5, last_error="SMTPServerDisconnected: gone"
    )
    client.force_login(front_desk)
    page = client.get("/desk/reminders/?status=failed").content.decode()
    assert "SMTPServerDisconnected: gone" in page and "Retry" in page
    assert client.get(f"/desk/reminders/{row.pk}/retry/").status_code == 405
    client.post(f"/desk/reminders/{row.pk}/retry/")
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (ReminderStatus.PENDING, 0, "")


def test_retry_of_a_row_that_did_not_fail_is_refused(booked, front_desk, client):
    row = booked.reminders.get(kind=ReminderKind.CONFIRMATION)
    client.force_login(front_desk)
    response = client.post(f"/desk/reminders/{row.pk}/retry/", follow=True)
    assert "Only failed reminders can be retried." in response.content.decode()
    assert client.post("/desk/reminders/999999/retry/").status_code == 404


def test_outbox_runs_the_same_queries_for_1_and_50_rows(clinic, front_desk, client):
    client.force_login(front_desk)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/desk/reminders/").status_code == 200
        return len(queries)

    def add(n: int, offset: int = 0):
        for i in range(offset, offset + n):
            appointment = AppointmentFactory(
                therapist=clinic.therapist,
                location=clinic.location,
                start=timezone.now() + dt.timedelta(days=3, hours=i),
            )
            Reminder.objects.create(
                patient=appointment.patient,
                appointment=appointment,
                kind=ReminderKind.CONFIRMATION,
                due_at=timezone.now(),
            )

    add(1)
    one = count_queries()
    add(49, offset=1)
    assert Reminder.objects.count() == 50
    assert count_queries() == one


def test_runner_saves_message_preferences(runner, client):
    client.force_login(runner)
    assert client.get("/me/reminders/").status_code == 200
    response = client.post(
        "/me/reminders/",
        {"confirmation": "on", "cancellation": "on", "program_nudge": "on", "nudge_time": "19:30"},
    )
    assert response.status_code == 302
    preference = ReminderPreference.objects.get(patient=runner.patient)
    assert preference.program_nudge and not preference.reminder_24h
    assert preference.nudge_time == dt.time(19, 30)


def test_bad_nudge_time_is_a_field_error(runner, client):
    client.force_login(runner)
    response = client.post("/me/reminders/", {"nudge_time": "25:99"})
    assert response.status_code == 200
    assert "Enter a valid time." in response.content.decode()
    assert not ReminderPreference.objects.exists()


def test_staff_get_404_for_runner_preferences(front_desk, client):
    client.force_login(front_desk)
    assert client.get("/me/reminders/").status_code == 404
