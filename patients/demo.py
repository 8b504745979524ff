"""Demo clinic data for seed_demo: one Los Angeles location, staff and two runners."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from dangpt.roles import Role
from patients.models import Location, Patient, StaffProfile

DEMO_LOCATION = {
    "name": "Dang PT Silver Lake",
    "time_zone": "America/Los_Angeles",
    "address": "2900 Sunset Blvd, Los Angeles, CA 90026",
    "phone": "+1 213 555 0100",
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
        Patient.objects.update_or_create(
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
        accounts.append((username, Role.RUNNER.label))
    return {"location": location, "accounts": accounts}


def seed(*, password: str) -> list[str]:
    """seed_demo's part for this app: the people; returns the lines to print."""
    result = seed_people(password=password)
    lines = [
        f"Demo clinic ready at {result['location']}.",
        f"Demo accounts (password: {password}):",
    ]
    lines += [f"  {username:<12} {role}" for username, role in result["accounts"]]
    return lines
