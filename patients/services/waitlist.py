"""The waitlist: who wants a slot, and booking one of them into a freed slot."""

from django.core.exceptions import ValidationError
from django.db import transaction

from patients.models import Appointment, OfferStatus, WaitlistEntry, WaitlistStatus
from patients.services.booking import appointment_book

ENTRY_FIELDS = set(WaitlistEntry.REQUEST_FIELDS)


@transaction.atomic
def waitlist_add(*, patient, fields: dict, by=None) -> WaitlistEntry:
    """Put a patient on the waitlist with their preferences."""
    entry = WaitlistEntry(
        patient=patient, created_by=by, **{k: v for k, v in fields.items() if k in ENTRY_FIELDS}
    )
    if entry.earliest_time and entry.latest_time and entry.latest_time < entry.earliest_time:
        raise ValidationError({"latest_time": "The latest start is before the earliest."})
    entry.full_clean(exclude=["patient", "created_by", "appointment"])
    entry.save()
    return entry


@transaction.atomic
def waitlist_remove(*, entry: WaitlistEntry, by=None) -> WaitlistEntry:
    """Take an entry off the waitlist (the patient found another time, or gave up)."""
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != WaitlistStatus.WAITING:
        raise ValidationError("This entry is no longer waiting.")
    entry.status = WaitlistStatus.REMOVED
    entry.save(update_fields=["status"])
    entry.offers.filter(status=OfferStatus.OFFERED).update(status=OfferStatus.GONE)
    return entry


@transaction.atomic
def waitlist_book(*, entry: WaitlistEntry, freed: Appointment, by=None) -> Appointment:
    """Book a waiting patient into the slot a cancelled appointment freed."""
    entry = (
        WaitlistEntry.objects.select_for_update()
        .select_related("appointment_type")
        .get(pk=entry.pk)
    )
    if entry.status != WaitlistStatus.WAITING:
        raise ValidationError("This entry is no longer waiting.")
    appointment = appointment_book(
        patient=entry.patient,
        therapist=freed.therapist,
        appointment_type=entry.appointment_type,
        start=freed.start,
        location=freed.location,
        by=by,
    )
    entry.status, entry.appointment = WaitlistStatus.BOOKED, appointment
    entry.save(update_fields=["status", "appointment"])
    return appointment
