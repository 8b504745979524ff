"""Reads of the public booking page and API: what can be booked online, and with whom."""

from django.db.models import Q
from django.utils import translation

from patients import slots
from patients.models import AppointmentType, Language, Location, StaffProfile, WorkingHours


def online_locations():
    """Active locations whose policy lets runners book online (no policy row: the default)."""
    return (
        Location.objects.filter(is_active=True)
        .filter(Q(booking_policy__isnull=True) | Q(booking_policy__online_booking_enabled=True))
        .select_related("booking_policy")
        .order_by("name")
    )


def online_types():
    """Active appointment types runners may book online, new patient evaluations first."""
    return AppointmentType.objects.filter(is_active=True, bookable_online=True).order_by(
        "-visit_kind", "name"
    )


def public_therapists(locations) -> list[dict]:
    """Therapists with working hours at the locations: id, display name, their locations."""
    people = {p.pk: p for p in slots.therapists()}
    where: dict[int, set[int]] = {}
    rows = WorkingHours.objects.filter(therapist__in=list(people), location__in=locations)
    for therapist_id, location_id in rows.values_list("therapist_id", "location_id"):
        where.setdefault(therapist_id, set()).add(location_id)
    titles = dict(StaffProfile.objects.filter(user__in=list(where)).values_list("user_id", "title"))
    out = []
    for pk, person in people.items():
        if pk in where:
            name = person.get_full_name() or "Therapist"
            title = titles.get(pk, "")
            out.append(
                {
                    "id": pk,
                    "name": f"{name}, {title}" if title else name,
                    "locations": sorted(where[pk]),
                }
            )
    return out


def request_language() -> str:
    """The language the request is answered in, as a runner's saved language."""
    code = (translation.get_language() or "en").split("-")[0]
    return code if code in Language.values else Language.ENGLISH
