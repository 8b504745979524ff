"""Booking rules in the services: hours, time off, the past, overlaps, series, life cycle."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from patients import services
from patients.models import Appointment
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import TimeOffFactory


def book(clinic, start, patient=None, kind=None, **extra):
    return services.appointment_book(
        patient=patient or PatientFactory(),
        therapist=clinic.therapist,
        appointment_type=kind or clinic.evaluation,
        start=start,
        **extra,
    )


def test_booking_stores_utc_and_the_location(clinic):
    """A 09:00 LA booking is stored in UTC with its end and the therapist's location."""
    appointment = book(clinic, at(clinic.monday, 9))
    appointment.refresh_from_db()
    assert appointment.start == at(clinic.monday, 9)
    assert appointment.end - appointment.start == dt.timedelta(minutes=60)
    assert appointment.location == clinic.location
    assert appointment.status == "booked"
    assert appointment.start.tzinfo == dt.UTC


def test_adjacent_slots_both_succeed(clinic):
    """09:00-10:00 and 10:00-11:00 do not overlap (half-open ranges)."""
    book(clinic, at(clinic.monday, 9))
    book(clinic, at(clinic.monday, 10))
    assert Appointment.objects.active().count() == 2


def test_overlap_is_refused_with_the_slot_taken_message(clinic):
    """A second patient in an overlapping slot gets SlotTaken naming whose visit is there."""
    book(clinic, at(clinic.monday, 9))
    with pytest.raises(services.SlotTaken, match="already has a visit at 9:00 AM"):
        book(clinic, at(clinic.monday, 9, 30))
    assert Appointment.objects.count() == 1


def test_a_patient_cannot_be_in_two_rooms(clinic, make_user):
    """The same patient with another therapist at an overlapping time is refused."""
    from dangpt.roles import Role
    from tests.patients.factories import WorkingHoursFactory

    other = make_user(Role.THERAPIST)
    WorkingHoursFactory(therapist=other, location=clinic.location, weekday=0)
    patient = PatientFactory()
    book(clinic, at(clinic.monday, 9), patient=patient)
    with pytest.raises(services.SlotTaken, match="patient already has"):
        services.appointment_book(
            patient=patient,
            therapist=other,
            appointment_type=clinic.follow_up,
            start=at(clinic.monday, 9, 15),
        )


def test_a_cancelled_slot_can_be_booked_again(clinic, front_desk):
    """Cancelling frees the slot for another booking at once."""
    first = book(clinic, at(clinic.monday, 9))
    services.appointment_cancel(appointment=first, by=front_desk, reason="Sick")
    second = book(clinic, at(clinic.monday, 9))
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == "cancelled"
    assert first.cancelled_by == front_desk
    assert first.late_cancel is False


def test_cancelling_inside_24_hours_is_late(clinic, front_desk):
    """A cancel 23 hours before the start sets the late flag; 25 hours before does not."""
    early = book(clinic, at(clinic.monday, 9))
    late = book(clinic, at(clinic.monday, 11))
    services.appointment_cancel(
        appointment=early, by=front_desk, now=early.start - dt.timedelta(hours=25)
    )
    services.appointment_cancel(
        appointment=late, by=front_desk, now=late.start - dt.timedelta(hours=23)
    )
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.late_cancel, late.late_cancel) == (False, True)


@pytest.mark.parametrize(
    ("hour", "minute", "message"),
    [(7, 0, "does not work"), (16, 30, "does not work"), (9, 10, "grid")],
)
def test_outside_working_hours_or_off_grid_is_refused(clinic, hour, minute, message):
    """07:00 and 16:30 (ends 17:30) are outside 8-17; 09:10 is off the grid."""
    with pytest.raises(ValidationError, match=message):
        book(clinic, at(clinic.monday, hour, minute))
    assert not Appointment.objects.exists()


def test_weekends_are_refused(clinic):
    """The therapist has no Saturday hours."""
    with pytest.raises(ValidationError, match="does not work"):
        book(clinic, at(clinic.monday + dt.timedelta(days=5), 9))


def test_past_times_are_refused(clinic):
    """A start before now is refused."""
    past_monday = clinic.monday - dt.timedelta(weeks=10)
    with pytest.raises(ValidationError, match="past"):
        book(clinic, at(past_monday, 9))


def test_time_off_is_refused(clinic):
    """A slot inside the therapist's time off is refused; outside it is fine."""
    TimeOffFactory(
        therapist=clinic.therapist, start=at(clinic.monday, 8), end=at(clinic.monday, 12)
    )
    with pytest.raises(ValidationError, match="off"):
        book(clinic, at(clinic.monday, 11, 30))
    assert book(clinic, at(clinic.monday, 12)).pk


def test_naive_start_is_refused(clinic):
    """A start without offset is a field error, not a guess."""
    with pytest.raises(ValidationError) as info:
        book(clinic, dt.datetime.combine(clinic.monday, dt.time(9)))  # noqa: DTZ001
    assert "start" in info.value.message_dict


def test_series_with_one_conflict_books_nothing_and_names_the_date(clinic):
    """Weekly x 6 where week 3 is taken: nothing is booked and week 3's date is named."""
    week3 = clinic.monday + dt.timedelta(weeks=2)
    taken = book(clinic, at(week3, 9))
    patient = PatientFactory()
    with pytest.raises(ValidationError) as info:
        services.appointment_book_series(
            patient=patient,
            therapist=clinic.therapist,
            appointment_type=clinic.follow_up,
            start=at(clinic.monday, 9),
            count=6,
        )
    message = " ".join(info.value.messages)
    assert f"{week3:%a, %b %-d, %Y} 9:00 AM" in message
    assert "Nothing was booked" in message
    assert list(Appointment.objects.all()) == [taken]


def test_series_books_all_at_the_same_wall_time_across_dst(clinic):
    """A weekly series spanning the March change stays at 09:00 local each week."""
    before_dst = dt.date(2027, 3, 1)  # Monday; clocks change on Sunday 14 March
    series = services.appointment_book_series(
        patient=PatientFactory(),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(before_dst, 9),
        count=4,
        now=dt.datetime(2027, 2, 1, tzinfo=dt.UTC),
    )
    assert [a.start.astimezone(at(before_dst, 9).tzinfo).hour for a in series] == [9, 9, 9, 9]
    assert [a.start.hour for a in series] == [17, 17, 16, 16]  # UTC shifts by the hour
    assert len({a.series_id for a in series}) == 1


def test_reschedule_moves_in_one_step(clinic):
    """Moving keeps the id, frees the old time and refuses a taken target."""
    moved = book(clinic, at(clinic.monday, 9))
    blocker = book(clinic, at(clinic.monday, 13))
    services.appointment_reschedule(appointment=moved, start=at(clinic.monday, 10))
    moved.refresh_from_db()
    assert moved.start == at(clinic.monday, 10)
    book(clinic, at(clinic.monday, 9))  # the old slot is free again
    with pytest.raises(services.SlotTaken):
        services.appointment_reschedule(appointment=moved, start=blocker.start)
    moved.refresh_from_db()
    assert moved.start == at(clinic.monday, 10)


def test_life_cycle_moves_forward_only(clinic, front_desk):
    """booked -> confirmed -> checked in -> completed; no-show only after the start."""
    appointment = book(clinic, at(clinic.monday, 9))
    services.appointment_confirm(appointment=appointment)
    with pytest.raises(ValidationError):
        services.appointment_complete(appointment=appointment)
    services.appointment_check_in(appointment=appointment)
    done = services.appointment_complete(appointment=appointment)
    assert done.status == "completed"
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=done, by=front_desk)
    other = book(clinic, at(clinic.monday, 11))
    with pytest.raises(ValidationError, match="after the start"):
        services.appointment_mark_no_show(appointment=other)
    no_show = services.appointment_mark_no_show(
        appointment=other, now=other.start + dt.timedelta(minutes=20)
    )
    assert no_show.status == "no_show"


def test_inactive_type_and_non_therapist_are_refused(clinic, front_desk):
    """Only active types and users in the therapist role can be booked."""
    clinic.follow_up.is_active = False
    clinic.follow_up.save()
    with pytest.raises(ValidationError, match="no longer offered"):
        book(clinic, at(clinic.monday, 9), kind=clinic.follow_up)
    with pytest.raises(ValidationError, match="therapist"):
        services.appointment_book(
            patient=PatientFactory(),
            therapist=front_desk,
            appointment_type=clinic.evaluation,
            start=at(clinic.monday, 9),
        )
