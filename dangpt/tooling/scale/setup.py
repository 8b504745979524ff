"""The small tables, through the ORM: clinics, staff with their groups, hours, appointment types."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from dangpt.roles import Role
from patients.models import AppointmentType, Location, StaffProfile, WorkingHours

from .plan import TIME_ZONE, Plan, name_of

PREFIX = "Scale clinic "
USER_PREFIX = "scale_"
UNUSABLE = "!seed_scale"  # a "!" prefix: no password signs in, and nothing to hash
TYPES = (
    ("Initial evaluation", 60),
    ("Follow-up", 45),
    ("Gait analysis", 60),
    ("Re-assessment", 45),
)


def marker(plan: Plan) -> str:
    return f"Synthetic data, seed_scale --scale {plan.scale:g}"


def loaded_scale() -> str | None:
    """The scale already loaded, from the first synthetic clinic's address, or None."""
    first = Location.objects.filter(name__startswith=PREFIX).order_by("name").first()
    return first.address.rsplit(" ", 1)[-1] if first else None


def _users(prefix: str, count: int, role: Role, offset: int) -> list:
    user_model = get_user_model()
    users = user_model.objects.bulk_create(
        user_model(
            username=f"{USER_PREFIX}{prefix}{n + 1:04d}",
            first_name=name_of(offset + n, 2),
            last_name=name_of(offset + n * 17, 3),
            email=f"{USER_PREFIX}{prefix}{n + 1:04d}@example.test",
            password=UNUSABLE,
        )
        for n in range(count)
    )
    group = Group.objects.get_or_create(name=role.value)[0]
    group.user_set.through.objects.bulk_create(
        group.user_set.through(user_id=u.id, group_id=group.id) for u in users
    )
    return users


def _profiles(users: list, locations: list, title: str) -> None:
    profiles = StaffProfile.objects.bulk_create(StaffProfile(user=u, title=title) for u in users)
    through = StaffProfile.locations.through
    through.objects.bulk_create(
        through(staffprofile_id=p.id, location_id=locations[n % len(locations)].id)
        for n, p in enumerate(profiles)
    )


def create(plan: Plan) -> tuple[list[int], list[int], dict[str, tuple[int, int]]]:
    """Return therapist ids, location ids and appointment types (name -> (id, quarters))."""
    locations = Location.objects.bulk_create(
        Location(name=f"{PREFIX}{n + 1:02d}", time_zone=TIME_ZONE, address=marker(plan))
        for n in range(plan.locations)
    )
    therapists = _users("therapist", plan.therapists, Role.THERAPIST, 10_000)
    _profiles(therapists, locations, "DPT")
    _profiles(_users("desk", plan.locations, Role.FRONT_DESK, 20_000), locations, "")
    _profiles(_users("manager", 1, Role.MANAGER, 30_000), locations, "")
    WorkingHours.objects.bulk_create(
        WorkingHours(
            therapist=u,
            location=locations[n % len(locations)],
            weekday=day,
            start_time=dt.time(8),
            end_time=dt.time(17),
        )
        for n, u in enumerate(therapists)
        for day in range(5)
    )
    types = {}
    for name, minutes in TYPES:
        kind, _ = AppointmentType.objects.get_or_create(
            name=name, defaults={"duration_minutes": minutes}
        )
        types[name] = (kind.id, kind.duration_minutes // 15 + bool(kind.duration_minutes % 15))
    return [u.id for u in therapists], [loc.id for loc in locations], types
