"""Factories for the scheduling models."""

import datetime as dt

import factory
from django.utils import timezone

from patients.models import (
    Appointment,
    AppointmentType,
    BookingHold,
    TimeOff,
    WaitlistEntry,
    WorkingHours,
)
from tests.factories import LocationFactory, PatientFactory, UserFactory


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Follow-up {n}")
    duration_minutes = 45


class WorkingHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingHours

    therapist = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    weekday = 0
    start_time = dt.time(8, 0)
    end_time = dt.time(17, 0)


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    therapist = factory.SubFactory(UserFactory)
    start = factory.LazyFunction(lambda: dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    end = factory.LazyAttribute(lambda o: o.start + dt.timedelta(hours=8))


class AppointmentFactory(factory.django.DjangoModelFactory):
    """Inserts directly; tests of booking rules go through the services instead."""

    class Meta:
        model = Appointment

    patient = factory.SubFactory(PatientFactory)
    therapist = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    start = factory.LazyFunction(lambda: dt.datetime(2030, 1, 7, 17, 0, tzinfo=dt.UTC))
    end = factory.LazyAttribute(
        lambda o: o.start + dt.timedelta(minutes=o.appointment_type.duration_minutes)
    )


class WaitlistEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WaitlistEntry

    patient = factory.SubFactory(PatientFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)


class BookingHoldFactory(factory.django.DjangoModelFactory):
    """A live online-booking hold, inserted directly (tests of holding use the service)."""

    class Meta:
        model = BookingHold

    therapist = factory.SubFactory(UserFactory)
    location = factory.SubFactory(LocationFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    start = factory.LazyFunction(lambda: dt.datetime(2030, 1, 7, 18, 0, tzinfo=dt.UTC))
    end = factory.LazyAttribute(
        lambda o: o.start + dt.timedelta(minutes=o.appointment_type.duration_minutes)
    )
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=1))
    first_name = "Olive"
    last_name = "Online"
    email = factory.Sequence(lambda n: f"olive{n}@example.test")
    phone = "+12135550142"
    date_of_birth = dt.date(1991, 3, 9)
    nonce = factory.Sequence(lambda n: f"nonce-{n}")
