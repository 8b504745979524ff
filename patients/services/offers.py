"""Waitlist offers: a freed slot is emailed to every waiting patient it fits; the first to claim
it gets it, and everyone else's offer of that slot is gone.

`slot_freed` runs inside the transaction that frees the slot (booking.py calls it from its one
change hook, so every path that cancels or moves a visit offers the time). The offer rows are
the email's outbox: after commit a task is asked to send each one, and a sweeper sends any that a
lost task left behind, so freeing a slot never fails because Redis is away.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from patients.models import (
    Appointment,
    BookingHold,
    Location,
    OfferStatus,
    WaitlistEntry,
    WaitlistOffer,
    WaitlistStatus,
    phone_for_people,
)
from patients.reminders.channels import Message, send_email

logger = logging.getLogger(__name__)
SALT = "dangpt.waitlist.offer"
# A row still unsent this long after it was written lost its task; the sweeper sends it.
RESEND_AFTER = dt.timedelta(minutes=2)


class OfferLinkInvalid(Exception):
    """The claim token was altered or is not one of ours."""


def _id(person) -> int:
    return getattr(person, "pk", person)


def slot_freed(
    *,
    therapist,
    location: Location,
    start: dt.datetime,
    end: dt.datetime,
    freed_by_patient_id: int | None = None,
    now: dt.datetime | None = None,
) -> list[WaitlistOffer]:
    """Offer a slot that just became free to each waiting entry it fits (in this transaction)."""
    now = now or timezone.now()
    if start <= now:
        return []  # a past slot helps nobody
    therapist_id = _id(therapist)
    entries = WaitlistEntry.objects.matching_slot(
        location=location,
        therapist_id=therapist_id,
        start=start,
        end=end,
        exclude_patient_id=freed_by_patient_id,
    )
    busy = list(
        Appointment.objects.active()
        .filter(therapist_id=therapist_id, start__lt=end, end__gt=start)
        .values_list("start", "end")
    )
    # A time someone is holding online is offered to nobody else (it comes back if it expires).
    busy += list(
        BookingHold.objects.live(now)
        .filter(therapist_id=therapist_id)
        .overlapping(start, end)
        .values_list("start", "end")
    )
    offers = []
    for entry in entries:
        slot_end = start + dt.timedelta(minutes=entry.appointment_type.duration_minutes)
        if not entry.patient.email or any(s < slot_end and start < e for s, e in busy):
            continue
        offers.append(
            WaitlistOffer(
                entry=entry,
                therapist_id=therapist_id,
                location=location,
                start=start,
                end=slot_end,
            )
        )
    created = WaitlistOffer.objects.bulk_create(offers, ignore_conflicts=False)
    ids = [offer.pk for offer in created]
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from patients.tasks import send_waitlist_offer

    for offer_id in ids:
        try:
            send_waitlist_offer.delay(offer_id)
        except Exception:  # the sweeper sends it within minutes; the cancel already committed
            logger.warning("Waitlist offer %s not queued; the sweeper will send it", offer_id)


def offers_gone_for(appointment: Appointment) -> int:
    """Offers overlapping a slot that was just booked are gone (inside the booking)."""
    return WaitlistOffer.objects.filter(
        therapist_id=appointment.therapist_id,
        status=OfferStatus.OFFERED,
        start__lt=appointment.end,
        end__gt=appointment.start,
    ).update(status=OfferStatus.GONE)


def offer_token(offer: WaitlistOffer) -> str:
    """The signed claim token of an offer: its id and the slot's start, nothing else."""
    return signing.dumps({"o": offer.pk, "s": int(offer.start.timestamp())}, salt=SALT)


def offer_link(offer: WaitlistOffer) -> str:
    """The absolute claim link emailed with an offer."""
    return f"{settings.SITE_URL}{reverse('patients:offer_claim', args=[offer_token(offer)])}"


def offer_from_token(token: str) -> WaitlistOffer | None:
    """The offer a claim token names (None when it no longer exists); OfferLinkInvalid if forged."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise OfferLinkInvalid from None
    if not isinstance(data, dict) or not isinstance(data.get("o"), int):
        raise OfferLinkInvalid
    offer = (
        WaitlistOffer.objects.select_related(
            "entry__patient", "entry__appointment_type", "therapist", "location", "appointment"
        )
        .filter(pk=data["o"])
        .first()
    )
    if offer is not None and int(offer.start.timestamp()) != data.get("s"):
        raise OfferLinkInvalid
    return offer


def offer_status_now(offer: WaitlistOffer, *, now: dt.datetime) -> str:
    """The offer's status as the claim page shows it: an offer past its start has expired."""
    if offer.status == OfferStatus.OFFERED and offer.start <= now:
        return OfferStatus.EXPIRED
    if offer.status == OfferStatus.OFFERED and offer.entry.status != WaitlistStatus.WAITING:
        return OfferStatus.GONE
    return offer.status


def offer_claim(*, offer: WaitlistOffer, now: dt.datetime | None = None) -> WaitlistOffer:
    """Book the offered slot for the entry's patient if nobody has; else mark the offer gone.

    The appointments' exclusion constraint decides a race: one claim books, the others meet
    SlotTaken and see the slot is gone.
    """
    from patients.services.booking import appointment_book

    now = now or timezone.now()
    if offer_status_now(offer, now=now) != OfferStatus.OFFERED:
        return _settle(offer, offer_status_now(offer, now=now))
    try:
        with transaction.atomic():
            entry = WaitlistEntry.objects.select_for_update().get(pk=offer.entry_id)
            if entry.status != WaitlistStatus.WAITING:
                raise ValidationError("This waitlist entry is no longer waiting.")
            appointment = appointment_book(
                patient=offer.entry.patient,
                therapist=offer.therapist,
                appointment_type=offer.entry.appointment_type,
                start=offer.start,
                location=offer.location,
                now=now,
            )
            # The booking just marked every offer of this slot gone; this one is the winner's.
            WaitlistOffer.objects.filter(pk=offer.pk).update(
                status=OfferStatus.CLAIMED, appointment=appointment, claimed_at=now
            )
            entry.status, entry.appointment = WaitlistStatus.BOOKED, appointment
            entry.save(update_fields=["status", "appointment"])
            WaitlistOffer.objects.filter(entry=entry, status=OfferStatus.OFFERED).update(
                status=OfferStatus.GONE
            )
    except ValidationError:
        return _settle(offer, OfferStatus.GONE)
    offer.refresh_from_db()
    return offer


def _settle(offer: WaitlistOffer, status: str) -> WaitlistOffer:
    if status in (OfferStatus.GONE, OfferStatus.EXPIRED):
        WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.OFFERED).update(status=status)
    offer.refresh_from_db()
    if offer.status == OfferStatus.OFFERED:  # past its start, or the entry booked elsewhere
        offer.status = status
    return offer


# --- The email -------------------------------------------------------------------------------
def offer_message(offer: WaitlistOffer) -> Message:
    """The offer email, in the patient's language: time, place, therapist and the claim link."""
    patient = offer.entry.patient
    local = offer.start.astimezone(ZoneInfo(offer.location.time_zone))
    with translation.override(patient.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "clinic": settings.CLINIC_NAME,
            "first_name": patient.first_name,
            "local": local,
            "zone": offer.location.time_zone,
            "place": offer.location.name,
            "address": offer.location.address,
            "phone": phone_for_people(offer.location.phone),
            "therapist": offer.therapist.get_full_name() or gettext("your therapist"),
            "link": offer_link(offer),
        }
        subject = gettext("A visit time opened up") + f" · {settings.CLINIC_NAME}"
        text = render_to_string("patients/email/waitlist_offer.txt", context)
        html = render_to_string("patients/email/waitlist_offer.html", context)
    return Message(to=patient.email, subject=subject, text=text, html=html)


def waitlist_offer_send(*, offer_id: int) -> str:
    """Send one offer email once; an offer already sent, claimed or gone is skipped."""
    with transaction.atomic():
        offer = (
            WaitlistOffer.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("entry__patient", "therapist", "location")
            .filter(pk=offer_id, sent_at__isnull=True, status=OfferStatus.OFFERED)
            .first()
        )
        if offer is None:
            return "skipped"
        try:
            send_email(offer_message(offer))
        except OSError as exc:
            offer.send_error = str(exc)[:200]
            offer.save(update_fields=["send_error"])
            return "failed"
        offer.sent_at, offer.send_error = timezone.now(), ""
        offer.save(update_fields=["sent_at", "send_error"])
    return "sent"


def waitlist_offers_unsent(*, now: dt.datetime | None = None) -> list[int]:
    """Offers still open and unsent a while after they were written (their task was lost)."""
    now = now or timezone.now()
    return list(
        WaitlistOffer.objects.filter(
            status=OfferStatus.OFFERED,
            sent_at__isnull=True,
            created_at__lt=now - RESEND_AFTER,
            start__gt=now,
        ).values_list("pk", flat=True)[:500]
    )
