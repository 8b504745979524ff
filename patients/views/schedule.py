"""The day schedule as a list, an appointment's page, cancelling and the freed slot."""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangpt.audit import audit_patient_list
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, DESK_ROLES, STAFF_ROLES, role_of, role_required
from patients import services
from patients.forms import CancelForm, RescheduleForm
from patients.models import Appointment, BookingHold, Location, WaitlistEntry, WorkingHours
from patients.policy import policy_for
from patients.previsit import attach_readiness
from patients.selectors import read_appointment
from patients.services.self_booking import HoldGone, booking_hold_release
from patients.views.booking import _detail_extras
from patients.views.common import (
    get_appointment_for_user,
    location_from,
    parse_day,
    schedule_locations,
)


def _columns(location: Location, day: dt.date) -> list[dict]:
    """One column per therapist working there that day or holding an appointment there."""
    appointments = list(Appointment.objects.for_day(location, day).order_by("start"))
    attach_readiness(appointments)
    working = WorkingHours.objects.filter(location=location, weekday=day.weekday())
    people = {h.therapist_id: h.therapist for h in working.select_related("therapist")}
    for appointment in appointments:
        people.setdefault(appointment.therapist_id, appointment.therapist)
    ordered = sorted(people.values(), key=lambda u: (u.last_name, u.first_name, u.pk))
    return [
        {
            "therapist": person,
            "appointments": [a for a in appointments if a.therapist_id == person.pk],
        }
        for person in ordered
    ]


@require_GET
@role_required(*DESK_ROLES)
def schedule(request: HttpRequest) -> HttpResponse:
    """A location's day with a column per therapist; htmx swaps the day in place."""
    location = location_from(request)
    tz = ZoneInfo(location.time_zone) if location else ZoneInfo("UTC")
    day = parse_day(request.GET.get("date"), tz, request)
    columns = _columns(location, day) if location else []
    shown = ((a.patient_id, a.pk) for column in columns for a in column["appointments"])
    audit_patient_list(request, kind=AccessKind.SCHEDULE, shown=shown)
    context = {
        "location": location,
        "locations": schedule_locations(request.user),
        "day": day,
        "previous_day": day - dt.timedelta(days=1),
        "next_day": day + dt.timedelta(days=1),
        "columns": columns,
        "tz": tz,
        "show_screening": role_of(request.user) in CLINICIAN_ROLES,
    }
    if request.headers.get("HX-Request"):
        return render(request, "patients/_schedule_day.html", context)
    return render(request, "patients/schedule.html", context)


@require_GET
@role_required(*STAFF_ROLES)
def appointment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One appointment with the actions its status allows."""
    appointment = read_appointment(request, pk)
    context = {
        "appointment": appointment,
        "tz": ZoneInfo(appointment.location.time_zone),
        "move_form": RescheduleForm(),
        **_detail_extras(appointment),
    }
    return render(request, "patients/appointment_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then cancel; the freed slot is offered to matching waitlist entries."""
    appointment = get_appointment_for_user(request, pk)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("patients:appointment", pk=pk)
        messages.success(request, "Appointment cancelled; the slot is free.")
        return redirect("patients:freed", pk=pk)
    context = {
        "appointment": appointment,
        "form": form,
        "tz": ZoneInfo(appointment.location.time_zone),
        # The late window is the location's cancel cut-off, the hours its runners are told.
        "late_hours": policy_for(appointment.location).cancel_cutoff_hours,
    }
    return render(request, "patients/appointment_cancel.html", context)


@require_GET
@role_required(*DESK_ROLES)
def freed_slot(request: HttpRequest, pk: int) -> HttpResponse:
    """After a cancellation: waiting patients who fit the freed slot, each one click to book."""
    appointment = get_appointment_for_user(request, pk)
    matches = []
    if not appointment.is_active:
        matches = WaitlistEntry.objects.visible_to(request.user).matching(appointment)
        shown = ((entry.patient_id, entry.pk) for entry in matches)
        audit_patient_list(request, kind=AccessKind.WAITLIST, shown=shown)
    context = {
        "appointment": appointment,
        "matches": matches,
        "tz": ZoneInfo(appointment.location.time_zone),
    }
    return render(request, "patients/appointment_freed.html", context)


@require_POST
@role_required(*DESK_ROLES)
def waitlist_book(request: HttpRequest, entry_pk: int, pk: int) -> HttpResponse:
    """Book a waitlist entry into the slot of cancelled appointment `pk`."""
    freed = get_appointment_for_user(request, pk)
    entry = get_object_or_404(WaitlistEntry.objects.waiting().visible_to(request.user), pk=entry_pk)
    try:
        appointment = services.waitlist_book(entry=entry, freed=freed, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("patients:freed", pk=pk)
    messages.success(request, "Booked from the waitlist.")
    return redirect("patients:appointment", pk=appointment.pk)


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def hold_release(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then release an online-booking hold at one of the desk's locations (404 for a
    hold elsewhere, confirmed or expired): its time becomes bookable again."""
    locations = schedule_locations(request.user)
    hold = get_object_or_404(
        BookingHold.objects.live(timezone.now())
        .filter(location__in=locations)
        .select_related("location", "therapist", "appointment_type"),
        pk=pk,
    )
    day = hold.start.astimezone(ZoneInfo(hold.location.time_zone)).date()
    back = (
        f"{reverse('patients:calendar')}?"
        f"{urlencode({'location': hold.location_id, 'date': day.isoformat()})}"
    )
    if request.method == "POST":
        try:
            booking_hold_release(hold_id=hold.pk, locations=locations, by=request.user)
        except HoldGone:
            raise Http404 from None
        messages.success(request, "Hold released; the time can be booked again.")
        return redirect(back)
    return render(request, "patients/hold_release.html", {"hold": hold, "back": back})
