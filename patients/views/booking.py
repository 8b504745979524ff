"""Booking and moving with a review step; check-in and no-show with a confirmation and an undo."""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangpt.audit import audit_patient_list
from dangpt.dates import format_for
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import DESK_ROLES, role_required
from patients import services, slots
from patients.forms import BookingForm, MoveForm, RescheduleForm, ReviewForm
from patients.models import Location, Patient
from patients.views.common import get_appointment_for_user, get_patient_for_user, schedule_locations

PREFILL = ("therapist", "location", "start")  # carried from a click on the calendar


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def when(instant: dt.datetime, location: Location) -> str:
    """ "Fri, Dec 4, 3:30 PM" in the location's time zone."""
    local = instant.astimezone(ZoneInfo(location.time_zone))
    return date_format(local, format_for("weekday_time"))


def _prefill(request, locations):
    """The therapist, location and start a calendar click carried, when all three make sense."""
    raw = {k: request.GET.get(k, "") for k in PREFILL}
    if not all(raw.values()) or not raw["therapist"].isdigit() or not raw["location"].isdigit():
        return None
    try:
        start = dt.datetime.fromisoformat(raw["start"])
    except ValueError:
        return None
    therapist = slots.therapists().filter(pk=raw["therapist"]).first()
    location = locations.filter(pk=raw["location"]).first()
    if start.tzinfo is None or therapist is None or location is None:
        return None
    return {"therapist": therapist, "location": location, "start": start, "raw": raw}


@require_GET
@role_required(*DESK_ROLES)
def book_appointment(request: HttpRequest) -> HttpResponse:
    """Patient → type (and therapist, location) → next available times → review → book."""
    locations = schedule_locations(request.user)
    prefill = _prefill(request, locations)
    keep = prefill["raw"] if prefill else {}
    patient = None
    if request.GET.get("patient", "").isdigit():
        patient = get_patient_for_user(request, int(request.GET["patient"]))
    query = request.GET.get("q", "").strip()
    matches = list(Patient.objects.visible_to(request.user).search(query)[:20]) if query else []
    audit_patient_list(request, kind=AccessKind.PATIENT_LIST, shown=((p.pk, p.pk) for p in matches))
    choice = BookingForm(request.GET if "appointment_type" in request.GET else None)
    choice.fields["date"].required = False
    days = []
    if patient and not prefill and choice.is_bound and choice.is_valid():
        raw = request.GET.get("location", "")
        location = locations.filter(pk=raw).first() if raw.isdigit() else None
        tz = ZoneInfo(location.time_zone) if location else timezone.get_current_timezone()
        days = slots.next_available(
            appointment_type=choice.cleaned_data["appointment_type"],
            from_day=choice.cleaned_data["date"] or dt.datetime.now(tz).date(),
            therapist=choice.cleaned_data["therapist"],
            location=location,
        )
    context = {
        "patient": patient,
        "query": query,
        "matches": matches,
        "choice": choice,
        "days": days,
        "locations": locations,
        "chosen_location": request.GET.get("location", ""),
        "prefill": prefill,
        "prefill_when": when(prefill["start"], prefill["location"]) if prefill else "",
        "keep": urlencode(keep),
        "searched": patient is not None and choice.is_bound and not prefill,
        "review_base": _review_base(patient, choice),
        "later_url": _later_url(request, days),
    }
    return render(request, "patients/appointment_book.html", context)


def _later_url(request, days) -> str:
    """The same search from the day after the last day shown."""
    if not days:
        return ""
    query = request.GET.copy()
    query["date"] = (days[-1]["day"] + dt.timedelta(days=1)).isoformat()
    return "?" + query.urlencode()


def _review_base(patient, choice) -> str:
    if not (patient and choice.is_bound and choice.is_valid()):
        return ""
    params = {"patient": patient.pk, "appointment_type": choice.cleaned_data["appointment_type"].pk}
    return reverse("patients:book_review") + "?" + urlencode(params)


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def book_review(request: HttpRequest) -> HttpResponse:
    """What will be booked, with an optional scheduling note; nothing is saved until "Book"."""
    data = request.POST if request.method == "POST" else request.GET
    form = ReviewForm(
        data,
        patients=Patient.objects.visible_to(request.user),
        locations=schedule_locations(request.user),
    )
    if not form.is_valid():
        hidden = {"patient", "appointment_type", "therapist", "location", "start"}
        if hidden & set(form.errors):
            return render(request, "patients/appointment_review.html", {"form": form}, status=400)
        status = 400
    elif request.method == "POST":
        done = _book(request, form)
        if done:
            return redirect(done)
        status = 409 if form.non_field_errors() else 400
    else:
        status = 200
    values = form.cleaned_data
    context = {"form": form, "when": when(values["start"], values["location"]), **values}
    context["back"] = (
        reverse("patients:book")
        + "?"
        + urlencode(
            {
                "patient": values["patient"].pk,
                "appointment_type": values["appointment_type"].pk,
                "location": values["location"].pk,
                "date": values["start"].astimezone(ZoneInfo(values["location"].time_zone)).date(),
            }
        )
    )
    return render(request, "patients/appointment_review.html", context, status=status)


def _book(request, form: ReviewForm) -> str | None:
    data = form.cleaned_data
    common = {
        "patient": data["patient"],
        "therapist": data["therapist"],
        "appointment_type": data["appointment_type"],
        "start": data["start"],
        "location": data["location"],
        "note": data["note"],
        "by": request.user,
    }
    try:
        if (data.get("repeat_weeks") or 1) > 1:
            booked = services.appointment_book_series(count=data["repeat_weeks"], **common)
            messages.success(request, f"Booked {len(booked)} weekly appointments.")
            return reverse("patients:detail", args=[data["patient"].pk])
        appointment = services.appointment_book(**common)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return None
    who = appointment.therapist.get_full_name()
    messages.success(request, f"Booked {when(appointment.start, appointment.location)} with {who}.")
    return reverse("patients:appointment", args=[appointment.pk])


# --- Moving -------------------------------------------------------------------------------------
@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def appointment_move(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the next free times for this visit, any therapist at its location. POST: move it."""
    appointment = get_appointment_for_user(request, pk)
    if request.method == "POST":
        return _move(request, appointment)
    if appointment.status not in ("booked", "confirmed"):
        messages.error(request, "Only booked or confirmed appointments can be moved.")
        return redirect("patients:appointment", pk=pk)
    choice = BookingForm(
        request.GET or None, initial={"appointment_type": appointment.appointment_type}
    )
    choice.fields["date"].required = False
    choice.fields["appointment_type"].required = False
    therapist, from_day = None, None
    if choice.is_bound and choice.is_valid():
        therapist, from_day = choice.cleaned_data["therapist"], choice.cleaned_data["date"]
    tz = ZoneInfo(appointment.location.time_zone)
    days = slots.next_available(
        appointment_type=appointment.appointment_type,
        from_day=from_day or dt.datetime.now(tz).date(),
        therapist=therapist,
        location=appointment.location,
        ignore=appointment.pk,
    )
    context = {
        "appointment": appointment,
        "choice": choice,
        "days": days,
        "current": when(appointment.start, appointment.location),
        "review_base": reverse("patients:move_review", args=[appointment.pk]) + "?",
        "later_url": _later_url(request, days),
    }
    return render(request, "patients/appointment_move.html", context)


@require_GET
@role_required(*DESK_ROLES)
def move_review(request: HttpRequest, pk: int) -> HttpResponse:
    """From → to, side by side, before anything changes."""
    appointment = get_appointment_for_user(request, pk)
    form = MoveForm(request.GET)
    if not form.is_valid() or form.cleaned_data["start"].tzinfo is None:
        messages.error(request, "Choose a new time from the list.")
        return redirect("patients:move", pk=pk)
    therapist = form.cleaned_data["therapist"] or appointment.therapist
    context = {
        "appointment": appointment,
        "start": form.cleaned_data["start"],
        "therapist": therapist,
        "current": when(appointment.start, appointment.location),
        "new": when(form.cleaned_data["start"], appointment.location),
    }
    return render(request, "patients/appointment_move_review.html", context)


def _move(request, appointment) -> HttpResponse:
    """A move from the review step or a drag on the calendar (start + therapist), or the old
    date-and-time form; the database's answer is shown in words."""
    tz = ZoneInfo(appointment.location.time_zone)
    legacy = "start" not in request.POST
    form = RescheduleForm(request.POST) if legacy else MoveForm(request.POST)
    # The review step and a drag both come back with the answer in words; only the typed
    # date-and-time form re-renders the appointment page with the error at its fields.
    explicit = _safe_next(request, "")
    back = explicit or ("" if legacy else reverse("patients:move", args=[appointment.pk]))
    if form.is_valid():
        start = form.local_start(tz) if legacy else form.cleaned_data["start"]
        therapist = None if legacy else form.cleaned_data["therapist"]
        try:
            moved = services.appointment_reschedule(
                appointment=appointment, start=start, therapist=therapist, by=request.user
            )
        except ValidationError as exc:
            if back:
                messages.error(request, "Not moved: " + " ".join(exc.messages))
                return redirect(back)
            add_service_errors(exc, form)
        else:
            who = moved.therapist.get_full_name()
            messages.success(
                request,
                f"Moved to {when(moved.start, moved.location)} with {who}. "
                "The patient will get an email with the new time.",
            )
            return redirect(explicit or reverse("patients:appointment", args=[moved.pk]))
    elif back:
        messages.error(request, "Not moved: that time could not be read.")
        return redirect(back)
    context = {"appointment": appointment, "tz": tz, "move_form": form, "problem": True}
    context.update(_detail_extras(appointment))
    return render(request, "patients/appointment_detail.html", context, status=400)


# --- Status: confirm, check in, complete, no-show; confirmation step and undo --------------------
ACTIONS = {
    "confirm": (services.appointment_confirm, "Confirm this visit"),
    "check_in": (services.appointment_check_in, "Check in"),
    "complete": (services.appointment_complete, "Mark the visit complete"),
    "no_show": (services.appointment_mark_no_show, "Mark as a no-show"),
}
TIMED = {"check_in", "no_show"}  # offered only in their windows (services.appointment_actions)
DONE = {
    "confirm": "Visit confirmed.",
    "check_in": "Checked in.",
    "complete": "Visit marked complete.",
    "no_show": "Marked as a no-show.",
}


def _detail_extras(appointment) -> dict:
    """What the detail page offers now (check-in and no-show windows, undo)."""
    return {
        "offered": services.appointment_actions(appointment=appointment),
        "when_text": when(appointment.start, appointment.location),
    }


def _refusal(appointment, action: str) -> str:
    if action not in ACTIONS:
        return "Unknown action."
    if action in TIMED and action not in services.appointment_actions(appointment=appointment):
        return services.action_refusal(action, appointment)
    return ""


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def appointment_status(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: "Check in Ana Ruiz for 3:30 PM?" with a button. POST: do it (check-in and no-show only
    inside their windows)."""
    appointment = get_appointment_for_user(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    action = data.get("action", "")
    refusal = _refusal(appointment, action)
    if request.method == "GET":
        context = {
            "appointment": appointment,
            "action": action,
            "label": ACTIONS.get(action, (None, ""))[1],
            "refusal": refusal,
            "when_text": when(appointment.start, appointment.location),
            "next": _safe_next(request, ""),
        }
        return render(request, "patients/appointment_status.html", context)
    if refusal:
        messages.error(request, refusal)
    else:
        try:
            ACTIONS[action][0](appointment=appointment, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, DONE[action])
    return redirect(_safe_next(request, reverse("patients:appointment", args=[pk])))


@require_POST
@role_required(*DESK_ROLES)
def appointment_undo(request: HttpRequest, pk: int) -> HttpResponse:
    """Take back a check-in or a no-show."""
    appointment = get_appointment_for_user(request, pk)
    try:
        undone = services.appointment_status_undo(appointment=appointment, by=request.user)
    except ValidationError as exc:
        messages.error(request, "Not undone: " + " ".join(exc.messages))
    else:
        messages.success(request, f"Undone: the visit is {undone.get_status_display().lower()}.")
    return redirect(_safe_next(request, reverse("patients:appointment", args=[pk])))
