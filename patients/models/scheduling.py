"""Time: working hours, time off, appointment types, appointments and the waitlist."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import (
    ArrayField,
    DateTimeRangeField,
    RangeBoundary,
    RangeOperators,
)
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Mod
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from dangpt.audit.history import track
from dangpt.dates import shown
from patients.models.people import Location, Patient
from patients.querysets import AppointmentQuerySet, WaitlistEntryQuerySet


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
                condition=Q(end_time__gt=F("start_time")),
                name="working_hours_end_after_start",
                violation_error_message="The end must be after the start.",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6),
                name="working_hours_weekday_range",
                violation_error_message="Choose a day of the week.",
            ),
        ]

    def __str__(self) -> str:
        start, end = shown(self.start_time, "time"), shown(self.end_time, "time")
        return f"{self.get_weekday_display()} {start}–{end}"


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
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="time_off_end_after_start",
                violation_error_message="The end must be after the start.",
            )
        ]

    def __str__(self) -> str:
        return f"Time off from {shown(self.start, 'weekday_year')}, {shown(self.start, 'time')}"


class VisitKind(models.TextChoices):
    """Whether a type starts a course of care or continues one (online booking offers each to
    the runners it fits)."""

    NEW_PATIENT = "new_patient", "New patient evaluation"
    FOLLOW_UP = "follow_up", "Follow-up"


# The names the clinic starts with (patients/demo.py): a runner reads them in their language.
# A name the clinic typed itself is shown as typed.
DEFAULT_TYPE_NAMES = frozenset(
    {
        gettext_noop("Initial evaluation"),
        gettext_noop("Follow-up"),
        gettext_noop("Gait analysis"),
        gettext_noop("Re-assessment"),
    }
)


class AppointmentType(models.Model):
    """What is booked (initial evaluation, follow-up...) and how long it takes."""

    name = models.CharField(max_length=80, unique=True)
    duration_minutes = models.PositiveSmallIntegerField()
    colour = models.CharField(max_length=7, default="#198754")
    is_active = models.BooleanField(default=True)
    visit_kind = models.CharField(
        max_length=12, choices=VisitKind.choices, default=VisitKind.FOLLOW_UP
    )
    bookable_online = models.BooleanField(
        "Runners can book it online", default=False, help_text="Shown on the public booking page"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=15),
                name="appointment_type_at_least_15_min",
                violation_error_message="At least 15 minutes, in steps of 5 minutes.",
            ),
            models.CheckConstraint(
                condition=Exact(Mod("duration_minutes", 5), 0),
                name="appointment_type_multiple_of_5_min",
                violation_error_message="At least 15 minutes, in steps of 5 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.duration_minutes} min)"

    @property
    def shown_name(self) -> str:
        """The name in the active language when it is one of the default names, else as typed."""
        return gettext(self.name) if self.name in DEFAULT_TYPE_NAMES else self.name


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


@track(exclude=["period"])  # generated by PostgreSQL from start and end
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
    scheduling_note = models.CharField(
        max_length=200, blank=True, help_text="Scheduling only (parking, a ride); nothing clinical."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["therapist", "start"], name="appointment_therapist_start"),
            models.Index(fields=["location", "start"], name="appointment_location_start"),
            models.Index(fields=["patient", "start"], name="appointment_patient_start"),
            # The API list's keyset order: a page of any date window, from any cursor.
            models.Index(fields=["start", "id"], name="appointment_start_id"),
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

    @property
    def is_upcoming(self) -> bool:
        """Booked or confirmed and not yet started: the visits whose intake can still be done."""
        return (
            self.status in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
            and self.start > timezone.now()
        )


class WaitlistStatus(models.TextChoices):
    WAITING = "waiting", "Waiting"
    BOOKED = "booked", "Booked"
    REMOVED = "removed", "Removed"


class WaitlistEntry(models.Model):
    """A patient who wants an earlier or a specific slot; offered when one frees up."""

    # What a waitlist request asks (the form and the service share this list).
    REQUEST_FIELDS = (
        "appointment_type",
        "location",
        "preferred_therapist",
        "preferred_weekdays",
        "earliest_time",
        "latest_time",
        "note",
    )

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


class BookingPolicy(models.Model):
    """A location's rules for what runners may book, move and cancel themselves; a location
    without a row follows the defaults (``patients.policy.policy_for``)."""

    location = models.OneToOneField(
        Location, on_delete=models.CASCADE, related_name="booking_policy"
    )
    online_booking_enabled = models.BooleanField("Online booking open", default=True)
    horizon_days = models.PositiveSmallIntegerField(
        "Runners can book up to (days ahead)", default=60
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        "Minimum notice for online booking (hours)", default=12
    )
    cancel_cutoff_hours = models.PositiveSmallIntegerField(
        "Runners can cancel until (hours before)", default=24
    )
    reschedule_cutoff_hours = models.PositiveSmallIntegerField(
        "Runners can reschedule until (hours before)", default=24
    )
    hold_minutes = models.PositiveSmallIntegerField(
        "Hold an unconfirmed online booking for (minutes)",
        null=True,
        blank=True,
        help_text="Empty: the SELF_BOOKING_HOLD_MINUTES setting (15 unless changed).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "booking policies"
        constraints = [
            models.CheckConstraint(
                condition=Q(horizon_days__gte=1) & Q(horizon_days__lte=365),
                name="booking_policy_horizon_1_365_days",
                violation_error_message="Choose a booking horizon between 1 and 365 days.",
            ),
            models.CheckConstraint(
                condition=Q(min_notice_hours__lte=336),
                name="booking_policy_notice_at_most_14_days",
                violation_error_message="Minimum notice can be at most 336 hours (14 days).",
            ),
            models.CheckConstraint(
                condition=Q(cancel_cutoff_hours__lte=336) & Q(reschedule_cutoff_hours__lte=336),
                name="booking_policy_cutoffs_at_most_14_days",
                violation_error_message="Cut-offs can be at most 336 hours (14 days).",
            ),
            models.CheckConstraint(
                condition=Q(hold_minutes__isnull=True)
                | (Q(hold_minutes__gte=5) & Q(hold_minutes__lte=120)),
                name="booking_policy_hold_5_120_minutes",
                violation_error_message="Hold an online booking for 5 to 120 minutes.",
            ),
        ]

    def __str__(self) -> str:
        return f"Booking policy of location {self.location_id}"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", "Offered"
    CLAIMED = "claimed", "Claimed"
    GONE = "gone", "Taken by someone else"
    EXPIRED = "expired", "Expired"


class WaitlistOffer(models.Model):
    """A freed slot offered by email to one waiting patient; the first claim books it.

    The row is also the email's outbox: ``sent_at`` stays empty until the message is out, and
    the sweeper sends any row a lost task left behind.
    """

    Status = OfferStatus

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["therapist", "start"], name="waitlist_offer_slot"),
            models.Index(
                fields=["created_at"],
                name="waitlist_offer_unsent",
                condition=Q(sent_at__isnull=True, status="offered"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="waitlist_offer_end_after_start"
            ),
            # One live offer of a slot per entry, however often the slot frees and fills.
            models.UniqueConstraint(
                fields=["entry", "therapist", "start"],
                condition=Q(status="offered"),
                name="waitlist_offer_one_live_per_slot",
            ),
            models.CheckConstraint(
                condition=~Q(status="claimed") | Q(appointment__isnull=False),
                name="waitlist_offer_claimed_has_appointment",
            ),
        ]

    def __str__(self) -> str:
        return f"Waitlist offer {self.pk}"
