"""Demo clinic data for seed_demo: one Los Angeles location, staff and two runners."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from dangpt.roles import Role
from patients import services
from patients.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Location,
    Patient,
    ReferringProvider,
    StaffProfile,
    VisitKind,
    WorkingHours,
)
from patients.slots import free_slots

DEMO_LOCATION = {
    "name": "Dang PT Silver Lake",
    "time_zone": "America/Los_Angeles",
    "address": "2900 Sunset Blvd, Los Angeles, CA 90026",
    "phone": "+12135550100",
}

DEMO_STAFF = [
    ("frontdesk", "Frida", "Morales", Role.FRONT_DESK, ""),
    ("therapist1", "Dana", "Nguyen", Role.THERAPIST, "DPT, OCS"),
    ("therapist2", "Marcus", "Reed", Role.THERAPIST, "DPT"),
    ("manager", "Grace", "Kim", Role.MANAGER, "Clinic manager"),
]

DEMO_RUNNERS = [
    ("runner1", "Riley", "Santos", dt.date(1991, 4, 12)),
    ("runner2", "Jordan", "Blake", dt.date(1986, 9, 30)),
]


def _user(username: str, first: str, last: str, role: Role, password: str):
    user_model = get_user_model()
    user, _ = user_model.objects.get_or_create(username=username)
    user.first_name, user.last_name = first, last
    user.email = f"{username}@demo.dangpt.example"
    user.is_active = True
    user.is_staff = role == Role.MANAGER
    user.set_password(password)
    user.save()
    user.groups.set([Group.objects.get_or_create(name=role.value)[0]])
    return user


DEMO_REFERRER = {
    "name": "Dr. Maya Chen, MD",
    "practice": "Echo Park Sports Medicine",
    "phone": "+12135550180",
    "fax": "+12135550181",
    "email": "referrals@echopark-sportsmed.example",
}


@transaction.atomic
def seed_people(*, password: str) -> dict:
    """Create or refresh the demo location, staff accounts and runners; safe to run again."""
    location, _ = Location.objects.update_or_create(
        name=DEMO_LOCATION["name"], defaults=DEMO_LOCATION
    )
    accounts = []
    for username, first, last, role, title in DEMO_STAFF:
        user = _user(username, first, last, role, password)
        profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"title": title})
        profile.locations.set([location])
        accounts.append((username, role.label))
    for username, first, last, born in DEMO_RUNNERS:
        user = _user(username, first, last, Role.RUNNER, password)
        patient, _ = Patient.objects.update_or_create(
            user=user,
            defaults={
                "first_name": first,
                "last_name": last,
                "date_of_birth": born,
                "email": user.email,
                "phone": f"+1 213 555 01{10 + len(accounts):02d}",
                "preferred_location": location,
            },
        )
        # Letters from the runner's notes are addressed to whoever referred them.
        ReferringProvider.objects.update_or_create(patient=patient, defaults=DEMO_REFERRER)
        accounts.append((username, Role.RUNNER.label))
    return {"location": location, "accounts": accounts}


# name, minutes, colour, kind, bookable online (a gait analysis and a re-assessment are booked
# by the therapist, who knows when they are due).
DEMO_TYPES = [
    ("Initial evaluation", 60, "#0d6efd", VisitKind.NEW_PATIENT, True),
    ("Follow-up", 45, "#198754", VisitKind.FOLLOW_UP, True),
    ("Gait analysis", 60, "#6f42c1", VisitKind.FOLLOW_UP, False),
    ("Re-assessment", 45, "#fd7e14", VisitKind.FOLLOW_UP, False),
]


@transaction.atomic
def seed_schedule(*, location: Location) -> int:
    """Weekday hours 8-17 for both therapists, the four types, and appointments for the
    runners on the next working days unless they already have upcoming ones."""
    user_model = get_user_model()
    for name, minutes, colour, kind, online in DEMO_TYPES:
        AppointmentType.objects.update_or_create(
            name=name,
            defaults={
                "duration_minutes": minutes,
                "colour": colour,
                "is_active": True,
                "visit_kind": kind,
                "bookable_online": online,
            },
        )
    therapists = list(user_model.objects.filter(username__in=["therapist1", "therapist2"]))
    for therapist in therapists:
        for weekday in range(5):
            WorkingHours.objects.get_or_create(
                therapist=therapist,
                location=location,
                weekday=weekday,
                defaults={"start_time": dt.time(8), "end_time": dt.time(17)},
            )
    _seed_past_visits(location, therapists)
    return _seed_appointments(location, therapists)


# (days ago, status) of each runner's past visits, so the reports have something to show.
PAST_VISITS = (
    ((22, AppointmentStatus.COMPLETED), (15, AppointmentStatus.COMPLETED),
     (10, AppointmentStatus.NO_SHOW), (3, AppointmentStatus.COMPLETED)),
    ((20, AppointmentStatus.COMPLETED), (13, AppointmentStatus.NO_SHOW),
     (6, AppointmentStatus.COMPLETED)),
)  # fmt: skip


def _seed_past_visits(location: Location, therapists: list) -> None:
    """A few attended visits and no-shows in the last four weeks, once per runner."""
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    zone = ZoneInfo(location.time_zone)
    follow_up = AppointmentType.objects.get(name="Follow-up")
    today = timezone.localdate()
    for index, username in enumerate(["runner1", "runner2"]):
        patient = Patient.objects.get(user__username=username)
        if Appointment.objects.filter(patient=patient, start__lt=timezone.now()).exists():
            continue
        for days_ago, status in PAST_VISITS[index]:
            start = dt.datetime.combine(
                today - dt.timedelta(days=days_ago), dt.time(9 + 2 * index), tzinfo=zone
            )
            Appointment.objects.create(
                patient=patient,
                therapist=therapists[index % len(therapists)],
                location=location,
                appointment_type=follow_up,
                start=start,
                end=start + dt.timedelta(minutes=follow_up.duration_minutes),
                status=status,
                checked_in_at=start if status == AppointmentStatus.COMPLETED else None,
            )


def _seed_appointments(location: Location, therapists: list) -> int:
    from django.utils import timezone

    booked = 0
    kinds = [AppointmentType.objects.get(name=n) for n in ("Initial evaluation", "Follow-up")]
    day = timezone.localdate()
    for index, username in enumerate(["runner1", "runner2"]):
        patient = Patient.objects.get(user__username=username)
        upcoming = Appointment.objects.active().filter(patient=patient, start__gte=timezone.now())
        if upcoming.exists():
            continue
        for offset in range(1, 8):
            found = free_slots(
                appointment_type=kinds[index],
                day=day + dt.timedelta(days=offset + index),
                therapist=therapists[index % len(therapists)],
                location=location,
            )
            if found:
                slot = found[len(found) // 3]
                services.appointment_book(
                    patient=patient,
                    therapist=slot["therapist"],
                    appointment_type=kinds[index],
                    start=slot["start"],
                    location=location,
                )
                booked += 1
                break
    return booked


def seed(*, password: str) -> list[str]:
    """seed_demo's part for this app: people, working hours, types, appointments."""
    result = seed_people(password=password)
    seed_schedule(location=result["location"])
    lines = [
        f"Demo clinic ready at {result['location']}.",
        f"Demo accounts (password: {password}):",
    ]
    lines += [f"  {username:<12} {role}" for username, role in result["accounts"]]
    return lines
