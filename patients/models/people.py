"""People and places: locations, staff, patients with their running profile and consents."""

import re

import phonenumbers
from django.conf import settings
from django.contrib.postgres.fields import (
    ArrayField,
)
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, Lower, Upper

from dangpt.audit.history import track
from dangpt.clinical_ranges import range_checks
from dangpt.roles import Role


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

    @property
    def phone_display(self) -> str:
        """The clinic's number as people read it: "(213) 555-0100"."""
        return phone_for_people(self.phone)

    @property
    def phone_tel(self) -> str:
        """The clinic's number for a tel: link, in E.164 ("+12135550100")."""
        return phone_for_dialling(self.phone)


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


def staff_locations(user) -> models.QuerySet:
    """Ids of the locations a member of staff works at (a subquery, no query of its own).

    Their staff profile's locations, and for a therapist also those where they have working
    hours (which the manager sets in clinic set-up).
    """
    from patients.models.scheduling import WorkingHours  # scheduling builds on people

    assigned = StaffProfile.locations.through.objects.filter(staffprofile__user=user)
    working = WorkingHours.objects.filter(therapist=user).order_by()
    # A UNION, not an OR of two IN lists: PostgreSQL then expects a few locations, not half.
    return assigned.values("location_id").union(working.values("location_id"))


class PatientQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who sees which chart (README, "Who sees which chart").

        Managers see every patient of the clinic. A therapist or the front desk sees the patients
        at their locations: home location there, or any appointment there that was not cancelled
        (past ones included, so the history stays reachable); a therapist also those booked with
        them anywhere, cancelled bookings again excepted. Staff with no location see no patient.
        A runner sees only their own record.
        """
        from dangpt.roles import role_of
        from patients.models.scheduling import Appointment, AppointmentStatus

        role = role_of(user)
        if role == Role.MANAGER:
            return self
        if role in (Role.THERAPIST, Role.FRONT_DESK):
            locations = staff_locations(user)
            # Probed per patient row through the (patient, start) index. The second, redundant
            # comparison keeps PostgreSQL from turning the EXISTS into a hash of every
            # appointment at the locations (a full scan when one location holds them all):
            # it hashes only correlations that are plain equalities.
            # A cancelled booking opens no chart: only appointments that were kept or are coming.
            appointments = Appointment.objects.filter(
                patient=OuterRef("pk"), patient__gte=OuterRef("pk")
            ).exclude(status=AppointmentStatus.CANCELLED)
            seen = Q(preferred_location__in=locations) | Exists(
                appointments.filter(location__in=locations)
            )
            if role == Role.THERAPIST:
                seen |= Exists(appointments.filter(therapist=user))
            return self.filter(seen)
        if role == Role.RUNNER:
            return self.filter(user=user)
        return self.none()

    def search(self, text: str):
        """Match name (any word order), email, phone digits or a date of birth, typed the US
        way (MM/DD/YYYY, as pages show it) or as YYYY-MM-DD."""
        import datetime as dt

        text = (text or "").strip()
        if not text:
            return self
        us = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)  # month/day/year
        try:
            if us is None:
                born = dt.date.fromisoformat(text)
            else:
                born = dt.date(int(us[3]), int(us[1]), int(us[2]))
            return self.filter(date_of_birth=born)
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

        from patients.models.scheduling import Appointment  # scheduling builds on people

        def appointments_where(condition: Q):
            rows = Appointment.objects.filter(condition, patient=OuterRef("pk")).order_by()
            counted = rows.values("patient").annotate(n=models.Count("*")).values("n")
            return Coalesce(Subquery(counted), 0)

        return self.annotate(
            no_show_count=appointments_where(Q(status="no_show")),
            late_cancel_count=appointments_where(Q(late_cancel=True)),
        )


class Language(models.TextChoices):
    """The languages a runner can read the portal, emails and forms in."""

    ENGLISH = "en", "English"
    SPANISH = "es", "Español"


# The runner's language named for staff, whose pages are in English.
LANGUAGE_NAMES_FOR_STAFF = {Language.ENGLISH: "English", Language.SPANISH: "Spanish"}


class DistanceUnit(models.TextChoices):
    """How a runner thinks about distance; the database and the API keep kilometres."""

    MILES = "mi", "Miles"
    KILOMETRES = "km", "Kilometers"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    INTERSEX = "intersex", "Intersex"
    UNDISCLOSED = "undisclosed", "Prefers not to say"


@track()
class Patient(models.Model):
    """A runner under the clinic's care; the portal login is optional."""

    # What intake asks and edits (the form and the service share this list).
    INTAKE_FIELDS = (
        "first_name",
        "last_name",
        "date_of_birth",
        "sex",
        "email",
        "phone",
        "address",
        "emergency_contact_name",
        "emergency_contact_phone",
        "preferred_location",
        "preferred_language",
        "email_opt_in",
        "sms_opt_in",
    )

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
    preferred_language = models.CharField(
        "Language", max_length=5, choices=Language.choices, default=Language.ENGLISH
    )
    distance_unit = models.CharField(
        "Distances in", max_length=2, choices=DistanceUnit.choices, default=DistanceUnit.MILES
    )
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

    @property
    def language_name(self) -> str:
        """The runner's language in English words, for staff pages ("Spanish")."""
        return LANGUAGE_NAMES_FOR_STAFF.get(self.preferred_language, self.preferred_language)

    @property
    def phone_display(self) -> str:
        """The runner's number as people read it: "(213) 555-0100" (tel: links keep E.164)."""
        return phone_for_people(self.phone)

    @property
    def emergency_contact_phone_display(self) -> str:
        return phone_for_people(self.emergency_contact_phone)


class Surface(models.TextChoices):
    ROAD = "road", "Road"
    TRACK = "track", "Track"
    TRAIL = "trail", "Trail"
    TREADMILL = "treadmill", "Treadmill"
    MIXED = "mixed", "Mixed"


# The running profile's numbers: each has a range "running_profile.<name>" in
# dangpt/clinical_ranges.py.
PROFILE_NUMBERS = ("years_running", "runs_per_week", "weekly_km", "longest_run_km_30d", "shoes_km")


@track()
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
    NUMBERS = PROFILE_NUMBERS

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
        constraints = range_checks(
            "running_profile", "running_profile", dict.fromkeys(PROFILE_NUMBERS, True)
        )

    def __str__(self) -> str:
        return f"Running profile of patient {self.patient_id}"


class ConsentKind(models.TextChoices):
    TREATMENT = "treatment", "Consent to treatment"
    PRIVACY = "privacy", "Privacy notice acknowledged"
    COMMUNICATIONS = "communications", "Consent to reminders and messages"


class ConsentMethod(models.TextChoices):
    DESK = "desk", "At the front desk"
    ELECTRONIC = "electronic", "Signed electronically"


@track()
class Consent(models.Model):
    """A consent as given: which text (version, language and SHA-256 of the exact words shown),
    when, how and by whom; a new version is a new row and an old row is never rewritten."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=20, choices=ConsentKind.choices)
    text_version = models.CharField(max_length=20)
    given_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Rows from before electronic consent carry no hash: the text they were given for is only
    # known by its version.
    text_sha256 = models.CharField("Text fingerprint (SHA-256)", max_length=64, blank=True)
    language = models.CharField(max_length=5, choices=Language.choices, default=Language.ENGLISH)
    method = models.CharField(
        max_length=12, choices=ConsentMethod.choices, default=ConsentMethod.DESK
    )
    typed_name = models.CharField(max_length=160, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["patient", "kind", "-given_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "kind", "text_version"], name="consent_once_per_version"
            ),
            # An electronic signature is the typed name over the exact text: both must be kept.
            models.CheckConstraint(
                condition=~Q(method="electronic")
                | (Q(text_sha256__regex=r"^[0-9a-f]{64}$") & ~Q(typed_name="")),
                name="consent_electronic_has_name_and_hash",
            ),
            models.CheckConstraint(
                condition=Q(text_sha256="") | Q(text_sha256__regex=r"^[0-9a-f]{64}$"),
                name="consent_hash_is_sha256_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.text_version}"


def phone_for_people(e164: str) -> str:
    """A stored E.164 number as people read it: "(213) 555-0100" in the US, else international."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def phone_for_dialling(stored: str) -> str:
    """A stored number in E.164 for tel: links ("+12135550100"), however it was typed."""
    if not stored:
        return ""
    try:
        number = phonenumbers.parse(stored, "US")
    except phonenumbers.NumberParseException:
        return stored
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@track()
class ReferringProvider(models.Model):
    """Who referred the runner (a physician, podiatrist, coach's doctor): letters go to them."""

    FIELDS = ("name", "practice", "phone", "fax", "email")

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="referring_provider"
    )
    name = models.CharField("Referring provider", max_length=120, help_text="e.g. Dr. Ana Ruiz, MD")
    practice = models.CharField(max_length=160, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    fax = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""),
                name="referring_provider_named",
                violation_error_message="Enter the referring provider's name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_display(self) -> str:
        return phone_for_people(self.phone)

    @property
    def fax_display(self) -> str:
        return phone_for_people(self.fax)
