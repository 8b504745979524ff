"""Online booking by runners: hold a slot, email a confirm link, book on confirmation.

A hold keeps its slot for the location's hold minutes (`patients.policy.hold_minutes`) and is
written under the therapist's advisory lock, as every booking and move is, so a hold and an
appointment can never take the same time; live holds of one therapist are kept apart by their
own exclusion constraint. Nothing about the runner is looked up until the link in the email is
used: only then is an existing patient used, and only when email, date of birth and last name
all match (a proven mailbox alone is not the person); otherwise a new patient is made, flagged
for the desk when it looks like an existing record. Only a patient made here is invited to the
portal.
"""

import datetime as dt
import logging
import secrets
import unicodedata
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_lazy, ngettext

from dangpt import dates
from patients import availability, booking_limits, slots
from patients.models import (
    Appointment,
    AppointmentType,
    BookingHold,
    HoldStatus,
    Location,
    Patient,
)
from patients.policy import hold_minutes, policy_for
from patients.services import offers
from patients.services.booking import SLOT_TAKEN_MESSAGE, SlotTaken, appointment_book
from patients.services.intake import normalise_phone, patient_duplicates, patient_register
from patients.services.invitations import runner_invitation_send
from patients.services.slot_lock import held_by_someone, therapist_lock

log = logging.getLogger(__name__)

LINK_SALT = "patients.self_booking.confirm"
OWNER_LOCK_SPACE = 7105  # two-key advisory locks: apart from the therapist locks' one-key space
# Put on an online booking whose runner matched an existing record only in part (same email,
# or same name and birth date): the desk checks it before the visit. Staff-facing, English.
POSSIBLE_DUPLICATE_NOTE = (
    "Booked online: possible duplicate of an existing patient record. Check before the visit."
)
# Confirmed and expired holds are deleted this long after they were made: the details a runner
# typed are kept no longer than the booking needs them.
HOLD_RETENTION = dt.timedelta(days=1)


class HoldGone(Exception):
    """The confirm link is not ours, was used, or its hold expired."""


class ConfirmMailFailed(Exception):
    """The confirm email could not be sent; its hold was released (nothing stays held)."""


MAIL_FAILED_MESSAGE = gettext_lazy(
    "We could not send the confirmation email, so nothing is held. Check your email address "
    "and try again, or call the clinic."
)


# --- Policy --------------------------------------------------------------------------------
def policy_problems(*, location, appointment_type, start=None, now=None) -> dict[str, str]:
    """What the location's booking policy refuses about this booking, by field (empty: none)."""
    policy = policy_for(location)
    problems = {}
    if not location.is_active or not policy.online_booking_enabled:
        problems["location"] = gettext(
            "Online booking is closed at this location; please call the clinic to book."
        )
    if not (appointment_type.bookable_online and appointment_type.is_active):
        problems["appointment_type"] = gettext(
            "This visit type cannot be booked online; please call the clinic to book."
        )
    if start is not None:
        now = now or timezone.now()
        if start > now + dt.timedelta(days=policy.horizon_days):
            problems["start"] = ngettext(
                "Online booking is open up to %(days)d day ahead.",
                "Online booking is open up to %(days)d days ahead.",
                policy.horizon_days,
            ) % {"days": policy.horizon_days}
        elif start < now + dt.timedelta(hours=policy.min_notice_hours):
            problems["start"] = ngettext(
                "Online booking needs at least %(hours)d hour's notice.",
                "Online booking needs at least %(hours)d hours' notice.",
                policy.min_notice_hours,
            ) % {"hours": policy.min_notice_hours}
    return problems


def bookable_days(*, location, now=None) -> tuple[dt.date, dt.date]:
    """The first and last local dates on which the policy lets a runner book at the location."""
    policy = policy_for(location)
    now = now or timezone.now()
    tz = ZoneInfo(location.time_zone)
    first = (now + dt.timedelta(hours=policy.min_notice_hours)).astimezone(tz).date()
    last = (now + dt.timedelta(days=policy.horizon_days)).astimezone(tz).date()
    return first, last


def public_free_slots(*, location, appointment_type, day, therapist=None, now=None) -> list[dict]:
    """Free slots a runner may book online on a local day (empty outside the policy)."""
    return public_free_days(
        location=location,
        appointment_type=appointment_type,
        days=[day],
        therapist=therapist,
        now=now,
    )[day]


def public_free_days(
    *, location, appointment_type, days, therapist=None, now=None
) -> dict[dt.date, list[dict]]:
    """`public_free_slots` of several local days, read at once."""
    if policy_problems(location=location, appointment_type=appointment_type):
        return {day: [] for day in days}
    policy = policy_for(location)
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=policy.horizon_days)
    found = slots.free_slots_on_days(
        appointment_type=appointment_type,
        days=days,
        therapist=therapist,
        location=location,
        now=now,
        not_before=now + dt.timedelta(hours=policy.min_notice_hours),
    )
    return {day: [s for s in rows if s["start"] <= horizon] for day, rows in found.items()}


# --- Details -------------------------------------------------------------------------------
# Never in an address we send to: line breaks (header injection) and list separators.
EMAIL_FORBIDDEN = frozenset("\r\n,;")


def email_is_valid(email: str) -> bool:
    """One plain email address: Django's validator, no line breaks, commas or semicolons."""
    if not email or len(email) > 254 or EMAIL_FORBIDDEN & set(email):
        return False
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def clean_details(
    *, first_name: str, last_name: str, email: str, phone: str, date_of_birth
) -> dict:
    """The runner's details normalised (US phone, lower-case email), or field errors."""
    errors: dict[str, str] = {}
    values = {"first_name": (first_name or "").strip(), "last_name": (last_name or "").strip()}
    for field in ("first_name", "last_name"):
        if not values[field]:
            errors[field] = gettext("This field is required.")
        elif len(values[field]) > 80:
            errors[field] = gettext("Use at most 80 characters.")
    values["email"] = (email or "").strip().lower()
    if not email_is_valid(values["email"]):
        errors["email"] = gettext("Enter a valid email address.")
    try:
        values["phone"] = normalise_phone(phone)
        if not values["phone"]:
            errors["phone"] = gettext("This field is required.")
    except ValidationError:
        errors["phone"] = gettext("Enter a valid US phone number, e.g. (213) 555-0100.")
    today = timezone.localdate()
    if not isinstance(date_of_birth, dt.date):
        errors["date_of_birth"] = gettext("Enter your date of birth.")
    elif date_of_birth > today or date_of_birth.year < 1900:
        errors["date_of_birth"] = gettext("Check your date of birth.")
    values["date_of_birth"] = date_of_birth
    if errors:
        raise ValidationError(errors)
    return values


# --- Holding -------------------------------------------------------------------------------
def _candidates(*, location, appointment_type, start, therapist, now) -> list[dict]:
    """The free slots starting exactly at `start` (one per therapist free then)."""
    day = start.astimezone(ZoneInfo(location.time_zone)).date()
    found = public_free_slots(
        location=location, appointment_type=appointment_type, day=day, therapist=therapist, now=now
    )
    return [s for s in found if s["start"] == start]


def _could_work(*, location, appointment_type, start, therapist) -> str | None:
    """Why nobody asked for could ever take this start, ignoring bookings; None if someone could."""
    people = [therapist] if therapist else list(slots.therapists())
    duration = dt.timedelta(minutes=appointment_type.duration_minutes)
    problem = gettext("No therapist works at that time; choose one of the times offered.")
    for person in people:
        hours = slots.weekly_hours(person, location)
        if not hours:
            continue
        found = availability.slot_problem(
            start=start,
            duration=duration,
            tz_name=location.time_zone,
            hours=hours,
            time_off=slots.time_off_between(person, start, start + duration),
            not_before=timezone.now(),
        )
        if found is None:
            return None
        problem = gettext("That time is not offered; choose one of the times offered.")
    return problem


def _hold_one(slot: dict, *, appointment_type, details: dict, language: str, now) -> BookingHold:
    """Hold one free slot under its therapist's lock, or SlotTaken when it went meanwhile."""
    therapist, start, end = slot["therapist"], slot["start"], slot["end"]
    try:
        with transaction.atomic():
            if held_by_someone(therapist_id=therapist.pk, start=start, end=end, now=now) or (
                Appointment.objects.active()
                .filter(therapist=therapist)
                .overlapping(start, end)
                .exists()
            ):
                raise SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken")
            return BookingHold.objects.create(
                therapist=therapist,
                location=slot["location"],
                appointment_type=appointment_type,
                start=start,
                end=end,
                expires_at=now + dt.timedelta(minutes=hold_minutes(policy_for(slot["location"]))),
                language=language,
                nonce=secrets.token_urlsafe(18),
                **details,
            )
    except IntegrityError as exc:  # the exclusion constraint, should the lock ever be skipped
        raise SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken") from exc


def booking_hold_create(
    *,
    location: Location,
    appointment_type: AppointmentType,
    start: dt.datetime,
    therapist=None,
    details: dict,
    language: str = "en",
    now: dt.datetime | None = None,
    before_mail=None,
    owner_keys: dict | None = None,
) -> BookingHold:
    """Hold a free slot for an online booking and email the confirm link.

    `details` come from `clean_details`. Raises ValidationError for what the policy or the
    calendar refuses, SlotTaken when the time is booked or held. `before_mail(hold)` may
    refuse the email (and so the hold) by raising, e.g. past the per-address mail limit.
    `owner_keys` (from `booking_limits.owner_keys`) count the hold against the live-hold limits
    (TooManyBookings / HoldAlreadyLive). The email is sent once the hold is written; when
    sending fails the hold is released and ConfirmMailFailed raised.
    """
    hold, message = _hold_created(
        location=location,
        appointment_type=appointment_type,
        start=start,
        therapist=therapist,
        details=details,
        language=language,
        now=now or timezone.now(),
        before_mail=before_mail,
        owner_keys=owner_keys or {},
    )
    try:
        send_mail(*message)
    except Exception as exc:  # noqa: BLE001 - any mail failure releases the hold, never a 500
        # The hold id only: the address and the server's reply (which may echo it) stay out.
        log.warning("online booking: confirm email failed for hold=%s (%s)", hold.pk, type(exc))
        BookingHold.objects.filter(pk=hold.pk, status=HoldStatus.HELD).update(
            status=HoldStatus.EXPIRED
        )
        raise ConfirmMailFailed from None
    return hold


@transaction.atomic
def _hold_created(
    *,
    location,
    appointment_type,
    start,
    therapist,
    details,
    language,
    now,
    before_mail,
    owner_keys,
) -> tuple[BookingHold, tuple]:
    """Write the hold (checked against policy, calendar and limits) and its email, unsent."""
    if start is None or start.tzinfo is None:
        raise ValidationError({"start": gettext("Give the start time with its time zone offset.")})
    if dates.instant_problem(start):  # before the move to UTC, which overflows at year 1 or 9999
        raise ValidationError({"start": dates.instant_problem(start)})
    start = start.astimezone(dt.UTC)
    problems = policy_problems(
        location=location, appointment_type=appointment_type, start=start, now=now
    )
    if problems:
        raise ValidationError(problems)
    candidates = _candidates(
        location=location,
        appointment_type=appointment_type,
        start=start,
        therapist=therapist,
        now=now,
    )
    if not candidates:
        problem = _could_work(
            location=location, appointment_type=appointment_type, start=start, therapist=therapist
        )
        if problem:
            raise ValidationError({"start": problem})
        raise SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken")
    if owner_keys:
        _owner_lock(owner_keys)
        booking_limits.check_live_holds(owner_keys, now=now)
    for slot in candidates:  # "first available": the next therapist free then, if one went
        try:
            hold = _hold_one(
                slot,
                appointment_type=appointment_type,
                details={**details, **owner_keys},
                language=language,
                now=now,
            )
        except SlotTaken:
            continue
        if before_mail is not None:
            before_mail(hold)
        return hold, _confirm_email(hold)
    raise SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken")


# --- The confirm link and its email --------------------------------------------------------
def confirm_token(hold: BookingHold) -> str:
    """The signed token of a hold's confirm link (ids and a random nonce only)."""
    return signing.dumps({"h": hold.pk, "n": hold.nonce}, salt=LINK_SALT, compress=True)


def confirm_link(hold: BookingHold) -> str:
    """The absolute confirm URL of a hold."""
    return settings.SITE_URL + reverse("patients:public_book_confirm", args=[confirm_token(hold)])


def hold_for_token(token: str, *, now=None, lock: bool = False) -> BookingHold:
    """The live hold a confirm token names; HoldGone when forged, used or expired."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=dt.timedelta(hours=5))
        pk, nonce = int(data["h"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise HoldGone from exc
    rows = BookingHold.objects.select_related("location", "therapist", "appointment_type")
    if lock:
        rows = rows.select_for_update(of=("self",))
    hold = rows.filter(pk=pk).first()
    now = now or timezone.now()
    if (
        hold is None
        or not secrets.compare_digest(hold.nonce, nonce)
        or hold.status != HoldStatus.HELD
        or hold.expires_at <= now
    ):
        raise HoldGone
    return hold


def therapist_display_name(user) -> str:
    """How a therapist is named to runners: full name and title, never the username."""
    profile = getattr(user, "staff_profile", None)
    name = user.get_full_name() or gettext("Your therapist")
    title = getattr(profile, "title", "") if profile else ""
    return f"{name}, {title}" if title else name


def _owner_lock(owner_keys: dict) -> None:
    """Serialise holds of one email and of one address, so two at once cannot pass a limit."""
    with connection.cursor() as cursor:
        for key in sorted({owner_keys["email_key"], owner_keys["client_key"]}):
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [OWNER_LOCK_SPACE, key]
            )


def _confirm_email(hold: BookingHold) -> tuple:
    """The confirm email's send_mail arguments: subject, body, sender, recipients."""
    tz = ZoneInfo(hold.location.time_zone)
    context = {
        "first_name": hold.first_name,
        "start": hold.start.astimezone(tz),
        "expires": hold.expires_at.astimezone(tz),
        "location": hold.location,
        "therapist": therapist_display_name(hold.therapist),
        "link": confirm_link(hold),
        "clinic": settings.CLINIC_NAME,
    }
    # Templates show times in the current zone: the location's, wherever the email is sent from.
    with translation.override(hold.language), timezone.override(tz):
        subject = gettext("Confirm your visit at %(clinic)s") % {"clinic": settings.CLINIC_NAME}
        body = render_to_string("patients/email/booking_hold_confirm.txt", context)
    return subject, body, None, [hold.email]


# --- Confirming ----------------------------------------------------------------------------
def _folded(text: str) -> str:
    """Text compared without case or accents ("Peña" and "PENA" are the same)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").strip())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _patient_for(hold: BookingHold) -> tuple[Patient, bool, bool]:
    """The patient to book: (patient, created, possible duplicate).

    An existing record is used only when email, date of birth and last name all match: a
    proven mailbox alone (a parent's, a shared or recycled address) is not the person. Else a
    new patient is made, flagged when an existing record looks like the same person.
    """
    same_email = Patient.objects.filter(email__iexact=hold.email).order_by(
        F("user_id").asc(nulls_last=True), "id"
    )
    for known in same_email:
        if known.date_of_birth == hold.date_of_birth and _folded(known.last_name) == _folded(
            hold.last_name
        ):
            return known, False, False
    patient = patient_register(
        fields={
            "first_name": hold.first_name,
            "last_name": hold.last_name,
            "date_of_birth": hold.date_of_birth,
            "email": hold.email,
            "phone": hold.phone,
            "preferred_location": hold.location,
        },
        allow_duplicate=True,  # flagged below for the desk, which merges if need be
    )
    patient.preferred_language = hold.language
    patient.save(update_fields=["preferred_language"])
    duplicate = patient_duplicates(
        first_name=hold.first_name,
        last_name=hold.last_name,
        date_of_birth=hold.date_of_birth,
        email=hold.email,
        exclude_pk=patient.pk,
    ).exists() or any(  # the same name written with or without accents
        _folded(last) == _folded(hold.last_name)
        for last in Patient.objects.exclude(pk=patient.pk)
        .filter(date_of_birth=hold.date_of_birth, first_name__iexact=hold.first_name.strip())
        .values_list("last_name", flat=True)
    )
    return patient, True, duplicate


def _invite_new(patient: Patient) -> bool:
    """Invite a patient made by this booking to the portal; False when the desk must sort it."""
    try:
        with transaction.atomic():
            runner_invitation_send(patient=patient)
    except ValidationError:
        # e.g. another login already has the address: the desk sorts it out.
        log.info("online booking: no portal invitation for patient=%s", patient.pk)
        return False
    return True


@transaction.atomic
def booking_hold_confirm(*, token: str, now: dt.datetime | None = None) -> Appointment:
    """Book a held slot from its confirm link, once; HoldGone when used or expired.

    ValidationError when the policy no longer allows it (booking closed, type not online).
    The appointment carries `portal`: "invited" (a new patient, emailed a set-password link),
    "sign_in" (an existing patient with a login) or "desk" (no login; the desk helps).
    """
    now = now or timezone.now()
    hold = hold_for_token(token, now=now)
    # Lock order as in every booking: the therapist first, then the row.
    therapist_lock(hold.therapist_id)
    hold = hold_for_token(token, now=now, lock=True)
    problems = policy_problems(location=hold.location, appointment_type=hold.appointment_type)
    if problems:
        raise ValidationError(problems)
    hold.status = HoldStatus.CONFIRMED
    hold.save(update_fields=["status"])
    patient, created, duplicate = _patient_for(hold)
    appointment = appointment_book(
        patient=patient,
        therapist=hold.therapist,
        appointment_type=hold.appointment_type,
        start=hold.start,
        location=hold.location,
        now=now,
        note=POSSIBLE_DUPLICATE_NOTE if duplicate else "",
    )
    hold.appointment = appointment
    hold.save(update_fields=["appointment"])
    # Only a patient this booking made is invited: an existing record without a login is never
    # given one from a mailbox alone.
    if created and _invite_new(patient):
        appointment.portal = "invited"
    elif patient.user is not None and patient.user.has_usable_password():
        appointment.portal = "sign_in"
    else:
        appointment.portal = "desk"
    return appointment


# --- The desk releases a hold ----------------------------------------------------------------
@transaction.atomic
def booking_hold_release(*, hold_id: int, locations, by, now: dt.datetime | None = None) -> None:
    """The desk gives a live hold's slot back before it expires (the runner asked for another
    time on the phone, say); its confirm link then says the hold expired.

    `locations` are the ones the desk member works at; HoldGone for a hold elsewhere, already
    confirmed or expired. The audit is a log line of ids only: the hold's typed name, email and
    birth date are kept only until it is swept, so they are copied nowhere.
    """
    now = now or timezone.now()
    hold = (
        BookingHold.objects.live(now)
        .filter(pk=hold_id, location__in=locations)
        .select_for_update(of=("self",))
        .select_related("location")
        .first()
    )
    if hold is None:
        raise HoldGone
    hold.status = HoldStatus.EXPIRED
    hold.save(update_fields=["status"])
    _slot_freed(hold=hold)
    log.info(
        "online booking hold=%s released by user=%s (therapist=%s location=%s)",
        hold.pk,
        getattr(by, "pk", None),
        hold.therapist_id,
        hold.location_id,
    )


# --- Expiry --------------------------------------------------------------------------------
def _slot_freed(*, hold: BookingHold) -> None:
    """An expired hold gave its slot back: offer it to the waitlist (same transaction)."""
    offers.slot_freed(
        therapist=hold.therapist_id, location=hold.location, start=hold.start, end=hold.end
    )


def booking_holds_expire(*, now: dt.datetime | None = None) -> int:
    """Mark holds past their time expired (each freeing its slot); delete old finished ones."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                BookingHold.objects.filter(status=HoldStatus.HELD, expires_at__lte=now)
                .select_for_update(skip_locked=True)
                .order_by("expires_at", "id")[:200]
            )
            if not batch:
                break
            BookingHold.objects.filter(pk__in=[h.pk for h in batch]).update(
                status=HoldStatus.EXPIRED
            )
            for hold in batch:
                _slot_freed(hold=hold)
            expired += len(batch)
    BookingHold.objects.exclude(status=HoldStatus.HELD).filter(
        created_at__lt=now - HOLD_RETENTION
    ).delete()
    return expired
