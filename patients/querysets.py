"""Read paths of the scheduling models, with their joins already applied."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import models
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.utils import timezone

from dangpt.roles import STAFF_ROLES, Role, role_of

ACTIVE = ("booked", "confirmed", "checked_in", "completed")


def local_day_bounds(day: dt.date, tz_name: str) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where a local calendar day starts and ends (23 or 25 hours on DST days)."""
    tz = ZoneInfo(tz_name)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def local_days_window(
    locations, first: dt.date | None, last: dt.date | None, *, from_today: bool = False
) -> models.Q:
    """Starts from the first local day on and through the last, each in its location's zone.

    Half-open ranges on the indexed ``start`` column (never ``start::date``): one range per time
    zone of ``locations`` (rows of (id, time_zone)), and around them one plain range an index
    on ``start`` answers. Either end may be open (None); ``from_today`` with no ``first`` starts
    at the beginning of the current day in each zone.
    """
    zones: dict[str, list[int]] = {}
    for pk, tz_name in locations:
        zones.setdefault(tz_name, []).append(pk)
    lows, highs, per_zone = [], [], models.Q()
    for tz_name, ids in zones.items():
        bound = models.Q()
        start_day = first
        if start_day is None and from_today:
            start_day = timezone.now().astimezone(ZoneInfo(tz_name)).date()
        if start_day is not None:
            low = local_day_bounds(start_day, tz_name)[0]
            lows.append(low)
            bound &= models.Q(start__gte=low)
        if last is not None:
            high = local_day_bounds(last, tz_name)[1]
            highs.append(high)
            bound &= models.Q(start__lt=high)
        per_zone |= models.Q(location_id__in=ids) & bound
    if not zones:
        return models.Q(pk__in=[])
    outer = models.Q()
    if lows:
        outer &= models.Q(start__gte=min(lows))
    if highs:
        outer &= models.Q(start__lt=max(highs))
    return outer if len(zones) == 1 else outer & per_zone


class AppointmentQuerySet(models.QuerySet):
    def with_related(self):
        return self.select_related(
            "patient", "therapist", "location", "appointment_type", "cancelled_by"
        )

    def active(self):
        return self.filter(status__in=ACTIVE)

    def visible_to(self, user):
        """Appointments of the patients the user may see; a runner sees only their own."""
        from patients.models import Patient  # the models build on these querysets

        role = role_of(user)
        if role == Role.MANAGER:
            return self.with_related()
        if role in STAFF_ROLES:
            return self.with_related().filter(patient__in=Patient.objects.visible_to(user))
        if role == Role.RUNNER:
            return self.with_related().filter(patient__user=user)
        return self.none()

    def overlapping(self, start: dt.datetime, end: dt.datetime):
        """Appointments that share any time with [start, end): the generated period's &&,
        which the GiST indexes on (location, period) and (therapist, period) answer."""
        return self.filter(period__overlap=DateTimeTZRange(start, end, "[)"))

    def for_day(self, location, day: dt.date):
        """Appointments at a location on a local calendar day, cancelled ones included."""
        start, end = local_day_bounds(day, location.time_zone)
        return self.with_related().filter(location=location).overlapping(start, end)


class WaitlistEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Entries of the patients the user may see."""
        from patients.models import Patient  # the models build on these querysets

        return self.filter(patient__in=Patient.objects.visible_to(user))

    def waiting(self):
        return self.filter(status="waiting").select_related(
            "patient", "appointment_type", "location", "preferred_therapist"
        )

    def matching(self, appointment):
        """Waiting entries that fit the slot a cancelled appointment freed, oldest first."""
        return self.matching_slot(
            location=appointment.location,
            therapist_id=appointment.therapist_id,
            start=appointment.start,
            end=appointment.end,
            exclude_patient_id=appointment.patient_id,
        )

    def matching_slot(self, *, location, therapist_id, start, end, exclude_patient_id=None):
        """Waiting entries whose type fits [start, end) with this therapist at this location and
        whose preferred days and times include the start, oldest first."""
        local_start = start.astimezone(ZoneInfo(location.time_zone))
        freed_minutes = (end - start).total_seconds() / 60
        candidates = (
            self.waiting()
            .filter(appointment_type__duration_minutes__lte=freed_minutes)
            .filter(models.Q(location__isnull=True) | models.Q(location=location.pk))
            .filter(
                models.Q(preferred_therapist__isnull=True)
                | models.Q(preferred_therapist=therapist_id)
            )
            .order_by("created_at", "id")
        )
        if exclude_patient_id is not None:
            candidates = candidates.exclude(patient=exclude_patient_id)
        return [entry for entry in candidates if _fits_preferences(entry, local_start)]


def _fits_preferences(entry, local_start: dt.datetime) -> bool:
    if entry.preferred_weekdays and local_start.weekday() not in entry.preferred_weekdays:
        return False
    if entry.earliest_time and local_start.time() < entry.earliest_time:
        return False
    return not (entry.latest_time and local_start.time() > entry.latest_time)
