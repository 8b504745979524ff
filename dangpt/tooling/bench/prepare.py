"""Sign-ins and targets for the load test (make bench).

Run on a database loaded by seed_scale, never on a clinic's own. It gives synthetic patients with
an active program a runner account, opens a server-side session and an API token for each of them
and a session for every front-desk account (with a confirmed authenticator, as a real sign-in
with both factors leaves it), issues the front desk API tokens for booking and the API lists,
picks surname prefixes to search for, and lists free slots past the last appointment so every
booking POST of the load test can succeed. All of it goes to one JSON file.
"""

import datetime as dt
import time
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max, Min
from django.utils.module_loading import import_string
from django_otp import DEVICE_ID_SESSION_KEY

from dangpt import auth_backend
from dangpt.mfa.models import AuthenticatorDevice
from dangpt.roles import Role
from dangpt.services import api_token_create
from dangpt.sessions import LAST_SEEN, STARTED
from dangpt.tooling.scale import setup
from patients.models import Appointment, AppointmentType, Patient, WorkingHours
from programs.models import Program, ProgramStatus

RUNNER_PREFIX = "bench_runner"
BOOKING_TYPE = "Follow-up"
BACKEND = auth_backend.PATH


@transaction.atomic
def bench_plan(*, runners: int, slots: int) -> dict:
    """Sessions, tokens, schedule days and free slots for the load test, as one JSON-ready dict."""
    if setup.loaded_scale() is None:
        raise CommandError("No seed_scale data here; bench_prepare runs on a bench database.")
    return {
        "runner_cookies": _runner_sessions(runners),
        "runner_tokens": _runner_tokens(runners),
        "search_terms": _search_terms(),
        "desk_cookies": _desk_sessions(),
        "desk_tokens": _desk_tokens(),
        "schedule_days": _schedule_days(),
        "bookings": _free_slots(slots),
        "session_cookie": settings.SESSION_COOKIE_NAME,
    }


def _session_for(user, **extra) -> str:
    """A server-side session as django.contrib.auth.login leaves it; returns its key."""
    store = import_string(f"{settings.SESSION_ENGINE}.SessionStore")()
    now = time.time()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = BACKEND
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[STARTED] = now
    store[LAST_SEEN] = now
    store.update(extra)
    store.create()
    return store.session_key


def _runner_sessions(count: int) -> list[str]:
    """Runner accounts for synthetic patients with an active program (made once, reused)."""
    users = get_user_model().objects
    group = Group.objects.get(name=Role.RUNNER)
    existing = list(users.filter(username__startswith=RUNNER_PREFIX).order_by("pk")[:count])
    taken = Patient.objects.filter(user__isnull=False).values("pk")
    patient_ids = (
        Program.objects.filter(status=ProgramStatus.ACTIVE)
        .exclude(patient__in=taken)
        .order_by("patient_id")
        .values_list("patient_id", flat=True)
        .distinct()
    )
    for n, patient_id in enumerate(islice(patient_ids, max(count - len(existing), 0))):
        user = users.create(
            username=f"{RUNNER_PREFIX}{len(existing) + n + 1:05d}", password=setup.UNUSABLE
        )
        user.groups.add(group)
        Patient.objects.filter(pk=patient_id).update(user=user)
        existing.append(user)
    return [_session_for(user) for user in existing]


def _runner_tokens(count: int) -> list[str]:
    """API tokens of the bench runners (made by _runner_sessions), one each."""
    users = get_user_model().objects.filter(username__startswith=RUNNER_PREFIX).order_by("pk")
    return [
        api_token_create(user=user, name="make bench", second_factor=False)[1]
        for user in users[:count]
    ]


def _search_terms(count: int = 50) -> list[str]:
    """What a front desk types to find a patient: the first five letters of a surname, spread
    over the table (every n-th patient by id)."""
    bounds = Patient.objects.aggregate(low=Min("pk"), high=Max("pk"))
    step = max((bounds["high"] - bounds["low"]) // count, 1)
    ids = list(range(bounds["low"], bounds["high"] + 1, step))
    names = Patient.objects.filter(pk__in=ids).values_list("last_name", flat=True)
    return sorted({name[:5] for name in names if len(name) >= 3})


def _desk_sessions() -> list[str]:
    """Front-desk sessions that passed the second factor (an authenticator device each)."""
    cookies = []
    for user in get_user_model().objects.filter(groups__name=Role.FRONT_DESK, is_active=True):
        device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
        device = device or AuthenticatorDevice.objects.create(
            user=user, name="Bench", confirmed=True
        )
        cookies.append(_session_for(user, **{DEVICE_ID_SESSION_KEY: device.persistent_id}))
    return cookies


def _desk_tokens() -> list[str]:
    users = get_user_model().objects.filter(groups__name=Role.FRONT_DESK, is_active=True)
    return [api_token_create(user=user, name="make bench", second_factor=True)[1] for user in users]


def _schedule_days() -> list[list]:
    """(location, date) pairs of the four weeks around today: full days of appointments."""
    today = dt.datetime.now(ZoneInfo(setup.TIME_ZONE)).date()
    locations = list(WorkingHours.objects.values_list("location_id", flat=True).distinct())
    days = [today + dt.timedelta(days=d) for d in range(-21, 7)]
    return [[loc, day.isoformat()] for loc in locations for day in days if day.weekday() < 5]


def _free_slots(count: int) -> list[dict]:
    """Follow-up slots on weekdays after the last appointment: one therapist and one patient
    each, so no two bookings of the load test (or of an earlier run) collide."""
    kind = AppointmentType.objects.get(name=BOOKING_TYPE)
    last = Appointment.objects.aggregate(last=Max("end"))["last"]
    hours = list(
        WorkingHours.objects.filter(therapist__is_active=True)
        .order_by("weekday", "therapist_id")
        .values_list("therapist_id", "location_id", "weekday", "start_time", "end_time")
    )
    patients = Patient.objects.filter(user__isnull=True).order_by("pk").values_list("pk", flat=True)
    patient_ids = iter(patients[:count])
    length = dt.timedelta(minutes=kind.duration_minutes)
    zone = ZoneInfo(setup.TIME_ZONE)
    found: list[dict] = []
    day = last.astimezone(zone).date() + dt.timedelta(days=1)
    while len(found) < count:
        for therapist, location, weekday, opens, closes in hours:
            if weekday != day.weekday():
                continue
            start = dt.datetime.combine(day, opens, tzinfo=zone)
            close = dt.datetime.combine(day, closes, tzinfo=zone)
            while start + length <= close and len(found) < count:
                patient = next(patient_ids, None)
                if patient is None:
                    return found
                found.append(
                    {
                        "patient": patient,
                        "therapist": therapist,
                        "location": location,
                        "appointment_type": kind.pk,
                        "start": start.isoformat(),
                    }
                )
                start += length
        day += dt.timedelta(days=1)
    return found
