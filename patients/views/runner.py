"""The runner's own visits: upcoming and past, cancel, reschedule and book a follow-up, each
inside the clinic's booking policy (patients.policy); staff pages are not bound by it."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangpt.roles import Role, role_required
from patients import policy, services, slots
from patients.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    VisitKind,
)
from patients.selectors import runner_patient

PAGE_SIZE = 10
PICKER_DAYS = 7  # days shown in the picker's row of day buttons


def _mine(request):
    # The location's policy comes with each row: the list checks it per visit.
    return Appointment.objects.visible_to(request.user).select_related("location__booking_policy")


def _my_appointment(request, pk: int) -> Appointment:
    """The runner's own appointment, or 404."""
    runner_patient(request.user)
    return get_object_or_404(_mine(request), pk=pk)


@require_GET
@role_required(Role.RUNNER)
def my_appointments(request: HttpRequest) -> HttpResponse:
    """Upcoming visits (with calendar, move and cancel), then past ones, each list paged."""
    patient = runner_patient(request.user)
    now = timezone.now()
    past = request.GET.get("show") == "past"
    rows = _mine(request)
    if past:
        rows = rows.filter(start__lt=now).order_by("-start", "-id")
    else:
        rows = rows.filter(start__gte=now, status__in=ACTIVE_STATUSES).order_by("start", "id")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for appointment in page.object_list:
        appointment.can_cancel = not past and policy.cancel_refusal(appointment, now=now) is None
        appointment.can_move = not past and policy.reschedule_refusal(appointment, now=now) is None
    context = {
        "page": page,
        "past": past,
        "patient": patient,
        "policy_lines": _policy_lines(page.object_list, patient),
    }
    return render(request, "patients/my_appointments.html", context)


def _policy_lines(rows, patient) -> list[str]:
    place = rows[0].location if rows else patient.preferred_location
    return policy.describe_policy(policy.policy_for(place)) if place else []


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def my_appointment_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask, then cancel the runner's visit; past the cut-off the page names the policy."""
    appointment = _my_appointment(request, pk)
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED):
        raise Http404
    refusal = policy.cancel_refusal(appointment, now=timezone.now())
    if request.method == "POST" and refusal is None:
        try:
            services.runner_cancel(appointment=appointment, by=request.user)
        except ValidationError as exc:
            refusal = " ".join(exc.messages)
        else:
            messages.success(request, _("Your visit is cancelled."))
            return redirect("patients:my_appointments")
    context = {"appointment": appointment, "refusal": refusal}
    status = 422 if request.method == "POST" and refusal else 200
    return render(request, "patients/my_appointment_cancel.html", context, status=status)


def _parse_start(raw: str | None) -> dt.datetime | None:
    try:
        start = dt.datetime.fromisoformat(raw or "")
    except ValueError:
        return None
    return start if start.tzinfo else None


def _day(raw: str | None, tz: ZoneInfo, fallback: dt.date) -> dt.date:
    try:
        return max(dt.date.fromisoformat(raw or ""), dt.datetime.now(tz).date())
    except ValueError:
        return fallback


def _choices(request, *, kind, location, own_therapist, anyone: bool, day, now) -> list[dict]:
    """Free times on the day inside the policy: own therapist only, or everyone at the place."""
    found = slots.free_slots(
        appointment_type=kind,
        day=day,
        therapist=None if anyone else own_therapist,
        location=location,
        now=now,
    )
    return [
        slot
        for slot in found
        if policy.time_refusal(start=slot["start"], location=location, now=now) is None
    ]


def _picked(request, *, location, anyone_ok: bool, own_therapist):
    """The start and therapist the runner picked (query or form), or (None, None)."""
    source = request.POST if request.method == "POST" else request.GET
    start = _parse_start(source.get("start"))
    raw = source.get("therapist", "")
    therapist = slots.therapists().filter(pk=raw).first() if raw.isdigit() else None
    if start is None or therapist is None:
        return None, None
    if not anyone_ok and therapist.pk != own_therapist.pk:
        return None, None
    return start, therapist


def _picker_context(request, *, kind, location, own_therapist, now, allow_anyone=True) -> dict:
    tz = ZoneInfo(location.time_zone)
    today = dt.datetime.now(tz).date()
    first = (now + dt.timedelta(hours=policy.policy_for(location).min_notice_hours)).astimezone(tz)
    day = _day(request.GET.get("date"), tz, first.date())
    anyone = allow_anyone and request.GET.get("who") == "any"
    choices = _choices(
        request,
        kind=kind,
        location=location,
        own_therapist=own_therapist,
        anyone=anyone,
        day=day,
        now=now,
    )
    days = [max(today, day - dt.timedelta(days=3)) + dt.timedelta(days=n) for n in range(7)]
    return {
        "day": day,
        "days": days,
        "previous_day": day - dt.timedelta(days=1) if day > today else None,
        "next_day": day + dt.timedelta(days=1),
        "choices": choices,
        "anyone": anyone,
        "who": "any" if anyone else "mine",
        "location": location,
        "own_therapist": own_therapist,
        "kind": kind,
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def my_appointment_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Pick another free time for the same visit, review it, then move the visit."""
    appointment = _my_appointment(request, pk)
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED):
        raise Http404
    now = timezone.now()
    context = {"appointment": appointment, "mode": "move"}
    refusal = policy.reschedule_refusal(appointment, now=now)
    if refusal is not None:
        context["refusal"] = refusal
        status = 422 if request.method == "POST" else 200
        return render(request, "patients/my_appointment_pick.html", context, status=status)
    start, therapist = _picked(
        request, location=appointment.location, anyone_ok=True, own_therapist=appointment.therapist
    )
    if request.method == "POST" and start is not None:
        try:
            services.runner_reschedule(
                appointment=appointment, start=start, therapist=therapist, by=request.user, now=now
            )
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            messages.success(request, _("Your visit is moved."))
            return redirect("patients:my_appointments")
    context.update(
        _picker_context(
            request,
            kind=appointment.appointment_type,
            location=appointment.location,
            own_therapist=appointment.therapist,
            now=now,
        )
    )
    context.update({"start": start, "therapist": therapist})
    status = 422 if request.method == "POST" else 200
    return render(request, "patients/my_appointment_pick.html", context, status=status)


def _last_visit(request) -> Appointment | None:
    """The runner's latest visit that took place or is booked: whose therapist they see."""
    return (
        _mine(request)
        .filter(status__in=ACTIVE_STATUSES)
        .order_by("-start", "-id")
        .select_related(None)
        .select_related("therapist", "location")
        .first()
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def my_follow_up(request: HttpRequest) -> HttpResponse:
    """Book a follow-up with the runner's own therapist: type, free time, review, book."""
    patient = runner_patient(request.user)
    last = _last_visit(request)
    now = timezone.now()
    kinds = list(
        AppointmentType.objects.filter(
            is_active=True, bookable_online=True, visit_kind=VisitKind.FOLLOW_UP
        )
    )
    context = {"mode": "follow_up", "kinds": kinds, "last": last}
    if last is None or not kinds:
        return render(request, "patients/my_appointment_pick.html", context)
    source = request.POST if request.method == "POST" else request.GET
    raw_kind = source.get("type", "")
    kind = next((k for k in kinds if str(k.pk) == raw_kind), None)
    if kind is None and raw_kind.isdigit():  # a type not offered here: say why not
        kind = AppointmentType.objects.filter(pk=raw_kind, is_active=True).first()
    kind = kind or kinds[0]
    refusal = policy.type_refusal(kind, last.location)
    if refusal is None and kind.visit_kind != VisitKind.FOLLOW_UP:
        refusal = _("Only follow-up visits can be booked here.")
    if refusal is not None:
        context["refusal"] = refusal
        status = 422 if request.method == "POST" else 200
        return render(request, "patients/my_appointment_pick.html", context, status=status)
    start, therapist = _picked(
        request, location=last.location, anyone_ok=False, own_therapist=last.therapist
    )
    if request.method == "POST" and start is not None:
        try:
            services.runner_book_follow_up(
                patient=patient,
                therapist=therapist,
                appointment_type=kind,
                location=last.location,
                start=start,
                by=request.user,
                now=now,
            )
        except ValidationError as exc:
            context["error"] = " ".join(exc.messages)
        else:
            messages.success(request, _("Your follow-up visit is booked."))
            return redirect("patients:my_appointments")
    context.update(
        _picker_context(
            request,
            kind=kind,
            location=last.location,
            own_therapist=last.therapist,
            now=now,
            allow_anyone=False,
        )
    )
    context.update({"start": start, "therapist": therapist})
    status = 422 if request.method == "POST" else 200
    return render(request, "patients/my_appointment_pick.html", context, status=status)
