"""People, places and time: locations, staff, patients, working hours and appointments."""

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    DateTimeRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.contrib.postgres.indexes import GinIndex, GistIndex, OpClass
from django.db import models
from django.db.models import F, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower, Mod, Upper
from django.db.models.lookups import Exact

from dangpt.roles import Role
from patients.querysets import AppointmentQuerySet, WaitlistEntryQuerySet


class Location(models.Model):
    name = models.CharField(max_length=120, unique=True)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles")
    address = models.CharField(max_length=250, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffProfileQuerySet(models.QuerySet):
    def therapists(self):
        return self.filter(user__groups__name=Role.THERAPIST, user__is_active=True).select_related(
            "user"
        )


class StaffProfile(models.Model):
    """What the clinic knows about a member of staff beyond their login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    title = models.CharField(max_length=80, blank=True, help_text="e.g. PT, DPT, OCS")
    locations = models.ManyToManyField(Location, blank=True, related_name="staff")
    colour = models.CharField(max_length=7, default="#0d6efd")
    # sha256 of the private calendar-feed token; blank means no feed (or revoked).
    calendar_token_hash = models.CharField(max_length=64, blank=True, db_index=True)

    objects = StaffProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Staff see the clinic's patients; a runner sees only their own record."""
        from dangpt.roles import STAFF_ROLES, role_of

        role = role_of(user)
        if role in STAFF_ROLES:
            return self
        if role == Role.RUNNER:
            return self.filter(user=user)
        return self.none()

    def search(self, text: str):
        """Match name (any word order), email, phone digits or a date of birth (YYYY-MM-DD)."""
        import datetime as dt

        text = (text or "").strip()
        if not text:
            return self
        try:
            return self.filter(date_of_birth=dt.date.fromisoformat(text))
        except ValueError:
            pass
        query = Q(email__icontains=text)
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 4:
            query |= Q(phone__contains=digits)
        words = Q()
        for word in text.split():
            words &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        return self.filter(query | words)

    def with_attendance(self):
        """Annotate no-show and late-cancel counts for the list and detail pages.

        Correlated subqueries, not a join with GROUP BY: PostgreSQL runs them only for the rows
        of the page, through the (patient, start) index, however many patients match.
        """

        def appointments_where(condition: Q):
            rows = Appointment.objects.filter(condition, patient=OuterRef("pk")).order_by()
            counted = rows.values("patient").annotate(n=models.Count("*")).values("n")
            return Coalesce(Subquery(counted), 0)

        return self.annotate(
            no_show_count=appointments_where(Q(status="no_show")),
            late_cancel_count=appointments_where(Q(late_cancel=True)),
        )


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNDISCLOSED = "undisclosed", "Prefers not to say"


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    append_only=True,
)
class Patient(models.Model):
    """A runner under the clinic's care; the portal login is optional."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="patient",
    )
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    date_of_birth = models.DateField()
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=32, blank=True)
    preferred_location = models.ForeignKey(
        Location, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sex = models.CharField(max_length=12, choices=Sex.choices, blank=True)
    address = models.TextField(blank=True)
    emergency_contact_name = models.CharField(max_length=120, blank=True)
    emergency_contact_phone = models.CharField(max_length=32, blank=True)
    email_opt_in = models.BooleanField("Email reminders", default=True)
    sms_opt_in = models.BooleanField("SMS reminders", default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [
            models.Index(Lower("last_name"), Lower("first_name"), name="patient_name_ci"),
            # The desk list pages in this order; the index lets it stop after one page.
            models.Index(fields=["last_name", "first_name", "id"], name="patient_list_order"),
            # Partial-text search (icontains is UPPER(col) LIKE '%...%'): trigram GIN indexes.
            *(
                GinIndex(OpClass(Upper(column), name="gin_trgm_ops"), name=f"patient_{column}_trgm")
                for column in ("first_name", "last_name", "email")
            ),
            GinIndex(OpClass("phone", name="gin_trgm_ops"), name="patient_phone_trgm"),
            models.Index(fields=["date_of_birth"], name="patient_date_of_birth"),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Surface(models.TextChoices):
    ROAD = "road", "Road"
    TRACK = "track", "Track"
    TRAIL = "trail", "Trail"
    TREADMILL = "treadmill", "Treadmill"
    MIXED = "mixed", "Mixed"


class RunningProfile(models.Model):
    """How the runner trains, asked at intake; load rules and evaluations read it."""

    # What intake asks and what an evaluation snapshots, in one place.
    INTAKE_FIELDS = (
        "years_running",
        "runs_per_week",
        "weekly_km",
        "longest_run_km_30d",
        "goal_race",
        "goal_race_date",
        "surfaces",
        "current_shoes",
        "shoes_km",
        "previous_injuries",
    )

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="running_profile"
    )
    years_running = models.PositiveSmallIntegerField(null=True, blank=True)
    runs_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    weekly_km = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    longest_run_km_30d = models.DecimalField(
        "Longest run in the last 30 days (km)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
    )
    goal_race = models.CharField(max_length=120, blank=True)
    goal_race_date = models.DateField(null=True, blank=True)
    surfaces = ArrayField(
        models.CharField(max_length=12, choices=Surface.choices), default=list, blank=True
    )
    current_shoes = models.CharField(max_length=120, blank=True)
    shoes_km = models.PositiveIntegerField("Km on current shoes", null=True, blank=True)
    previous_injuries = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(runs_per_week__isnull=True) | Q(runs_per_week__lte=21),
                name="running_profile_runs_per_week_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"Running profile of patient {self.patient_id}"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Consent to treatment"
    PRIVACY = "privacy", "Privacy notice acknowledged"
    COMMUNICATIONS = "communications", "Consent to reminders and messages"


class Consent(models.Model):
    """A consent as given: which text (by version) and when; a new version is a new row."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    text_version = models.CharField(max_length=20)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["patient", "kind", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "text_version"], name="consent_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.text_version}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """A therapist's weekly hours at one location, in the location's local wall time."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="working_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["therapist", "weekday", "start_time"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=F("start_time")), name="working_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="working_hours_weekday_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class TimeOff(models.Model):
    """A stretch when a therapist takes no appointments (holiday, course, sick day)."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="time_off_end_after_start")
        ]

    def __str__(self) -> str:
        return f"Time off from {self.start:%Y-%m-%d %H:%M}"


class AppointmentType(models.Model):
    """What is booked (initial evaluation, follow-up...) and how long it takes."""

    name = models.CharField(max_length=80, unique=True)
    duration_minutes = models.PositiveSmallIntegerField()
    colour = models.CharField(max_length=7, default="#198754")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15), name="appointment_type_at_least_15_min"
            ),
            models.CheckConstraint(
                condition=Exact(Mod("duration_minutes", 5), 0),
                name="appointment_type_multiple_of_5_min",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"


class TsTzRange(Func):
    """PostgreSQL's tstzrange(start, end, '[)') — half-open, so back-to-back slots do not touch."""

    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CONFIRMED = "confirmed", "Confirmed"
    CHECKED_IN = "checked_in", "Checked in"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


# Statuses that hold the room and the therapist's time; the exclusion constraints use these.
ACTIVE_STATUSES = (
    AppointmentStatus.BOOKED,
    AppointmentStatus.CONFIRMED,
    AppointmentStatus.CHECKED_IN,
    AppointmentStatus.COMPLETED,
)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["period"],  # generated by PostgreSQL from start and end
    append_only=True,
)
class Appointment(models.Model):
    """A booked slot; start and end are UTC, the database refuses overlaps."""

    Status = AppointmentStatus

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments_as_therapist"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    period = models.GeneratedField(
        expression=TsTzRange("start", "end", RangeBoundary()),
        output_field=DateTimeRangeField(),
        db_persist=True,
    )
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    late_cancel = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    series_id = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["therapist", "start"], name="appointment_therapist_start"),
            models.Index(fields=["location", "start"], name="appointment_location_start"),
            models.Index(fields=["patient", "start"], name="appointment_patient_start"),
            # Day and week views ask "which appointments overlap this range" (period &&), for
            # every status; the exclusion constraints' indexes cover active ones only.
            GistIndex(fields=["location", "period"], name="appointment_location_period"),
            GistIndex(fields=["therapist", "period"], name="appointment_therapist_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="appointment_end_after_start"
            ),
            ExclusionConstraint(
                name="appointment_no_therapist_overlap",
                expressions=[
                    ("therapist", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
            ExclusionConstraint(
                name="appointment_no_patient_overlap",
                expressions=[
                    ("patient", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=ACTIVE_STATUSES),
            ),
            models.CheckConstraint(
                condition=~Q(status=AppointmentStatus.CANCELLED) | Q(cancelled_at__isnull=False),
                name="appointment_cancelled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk} at {self.start:%Y-%m-%d %H:%M} UTC"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked"
    REMOVED = "removed", "Removed"


class WaitlistEntry(models.Model):
    """A patient who wants an earlier or a specific slot; offered when one frees up."""

    Status = WaitlistStatus

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="waitlist_entries")
    appointment_type = models.ForeignKey(AppointmentType, on_delete=models.PROTECT)
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.SET_NULL)
    preferred_therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferred_weekdays = ArrayField(
        models.PositiveSmallIntegerField(choices=Weekday.choices), default=list, blank=True
    )
    earliest_time = models.TimeField(null=True, blank=True)
    latest_time = models.TimeField(null=True, blank=True, help_text="Latest start time")
    note = models.CharField(max_length=200, blank=True, help_text="Scheduling notes only")
    status = models.CharField(
        max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waitlist entries"

    def __str__(self) -> str:
        return f"Waitlist entry {self.pk}"


from patients.reminders.models import *  # noqa: E402,F401,F403 - the reminder outbox
