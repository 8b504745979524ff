"""Models of the patients app: people and places (`people`), time (`scheduling`), and the
reminder outbox (`patients.reminders.models`, imported here so Django registers it)."""

from patients.models.people import (
    Consent,
    ConsentKind,
    Location,
    Patient,
    PatientQuerySet,
    ReferringProvider,
    RunningProfile,
    Sex,
    StaffProfile,
    StaffProfileQuerySet,
    Surface,
    phone_for_people,
)
from patients.models.scheduling import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    TimeOff,
    TsTzRange,
    WaitlistEntry,
    WaitlistStatus,
    Weekday,
    WorkingHours,
)
from patients.reminders import models as reminder_models

__all__ = [
    "ACTIVE_STATUSES",
    "Appointment",
    "AppointmentStatus",
    "AppointmentType",
    "Consent",
    "ConsentKind",
    "Location",
    "Patient",
    "PatientQuerySet",
    "ReferringProvider",
    "RunningProfile",
    "Sex",
    "StaffProfile",
    "StaffProfileQuerySet",
    "Surface",
    "TimeOff",
    "TsTzRange",
    "WaitlistEntry",
    "WaitlistStatus",
    "Weekday",
    "WorkingHours",
    "phone_for_people",
    "reminder_models",
]
