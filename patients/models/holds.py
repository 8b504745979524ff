"""Online booking holds: a slot kept for a runner until they confirm from their email."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.indexes import GistIndex
from django.db import models
from django.db.models import F, Q

from patients.models.people import Language, Location
from patients.models.scheduling import Appointment, AppointmentType, TsTzRange


class HoldStatus(models.TextChoices):
    HELD = "held", "Held"
    CONFIRMED = "confirmed", "Confirmed"
    EXPIRED = "expired", "Expired"


class BookingHoldQuerySet(models.QuerySet):
    def live(self, now):
        """Holds still keeping their slot: held and not yet past their expiry."""
        return self.filter(status=HoldStatus.HELD, expires_at__gt=now)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, end__gt=start)


class BookingHold(models.Model):
    """A slot kept for an online booking until confirmed or expired.

    Live holds of one therapist never overlap (the exclusion constraint); a hold and an
    appointment never overlap because both are written under the therapist's advisory lock
    (`patients.services.slot_lock`) after checking the other table. A `held` row past its
    `expires_at` keeps nothing: every reader filters on the time, and the next write near it
    (or the beat task) marks it expired.
    """

    Status = HoldStatus

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_holds"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    period = models.GeneratedField(
        expression=TsTzRange("start", "end", RangeBoundary()),
        output_field=DateTimeRangeField(),
        db_persist=True,
    )
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=HoldStatus.choices, default=HoldStatus.HELD)
    # What the runner typed, kept only until the hold is confirmed or swept.
    first_name = models.CharField(max_length=80)
    last_name = models.CharField(max_length=80)
    email = models.EmailField()
    phone = models.CharField(max_length=32)
    date_of_birth = models.DateField()
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    # Random part of the confirm link: the link is signed and names this, so a link of a
    # deleted-and-reused id never matches.
    nonce = models.CharField(max_length=32)
    # Keyed hashes of who asked (client address, normalised email) for the live-hold limits;
    # no address or email in clear beyond the typed email above.
    client_key = models.CharField(max_length=64, blank=True, default="")
    email_key = models.CharField(max_length=64, blank=True, default="")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BookingHoldQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="booking_hold_status_expiry"),
            GistIndex(fields=["therapist", "period"], name="booking_hold_therapist_period"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="booking_hold_end_after_start"
            ),
            ExclusionConstraint(
                name="booking_hold_no_therapist_overlap",
                expressions=[
                    ("therapist", RangeOperators.EQUAL),
                    ("period", RangeOperators.OVERLAPS),
                ],
                condition=Q(status=HoldStatus.HELD),
            ),
        ]

    def __str__(self) -> str:
        return f"Booking hold {self.pk} at {self.start:%Y-%m-%d %H:%M} UTC"
