"""The public booking page: a runner picks a time and gets an email to confirm it; no account.

Every step is a plain GET link or form (the choices so far ride in the query string), so the
page works without JavaScript; the details form is the one POST. Nothing here reads a patient.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django import forms
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from dangpt import dates
from dangpt.forms import add_service_errors
from patients import booking_limits, slots
from patients.models import VisitKind
from patients.policy import hold_minutes, policy_for
from patients.public_options import (
    online_locations,
    online_types,
    public_therapists,
    request_language,
)
from patients.services import self_booking
from patients.services.booking import SlotTaken

SENT_SALT = "patients.self_booking.sent"
DAYS_SHOWN = 5  # days with free times listed before the date picker
DAYS_SCANNED = 14


class BookingDetailsForm(forms.Form):
    """The runner's details; `website` is a honeypot people never see."""

    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    email = forms.EmailField(label=_("Email"), max_length=254)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=32, help_text=_("For example (213) 555-0100")
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )
    website = forms.CharField(required=False, label=_("Leave this empty"))


CONFIRM = "patients/public_book_confirm.html"


def _render(request, template: str, context=None, *, location=None, status: int = 200):
    """A page whose times show in the location's zone (templates read the current zone)."""
    if location is None:
        return render(request, template, context, status=status)
    with timezone.override(ZoneInfo(location.time_zone)):
        return render(request, template, context, status=status)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _choices(request) -> dict:
    """What the runner chose so far, each checked against what is bookable online."""
    places = list(online_locations())
    chosen: dict = {"places": places}
    place = next((p for p in places if p.pk == _int(request.GET.get("location"))), None)
    if place is None and len(places) == 1:
        place = places[0]
    chosen["location"] = place
    if place is None:
        return chosen
    types = list(online_types())
    chosen["types"] = types
    chosen["kind"] = next((t for t in types if t.pk == _int(request.GET.get("type"))), None)
    team = public_therapists([place])
    chosen["team"] = team
    raw = request.GET.get("therapist")
    chosen["any_therapist"] = raw == "any"
    chosen["therapist"] = next((t for t in team if t["id"] == _int(raw)), None)
    first, last = self_booking.bookable_days(location=place)
    chosen["first_day"], chosen["last_day"] = first, last
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    chosen["date"] = day if day and first <= day <= last else None
    chosen["date_refused"] = bool(day) and chosen["date"] is None
    return chosen


def _query(chosen: dict, **extra) -> str:
    values = {
        "location": chosen["location"].pk if chosen.get("location") else None,
        "type": chosen["kind"].pk if chosen.get("kind") else None,
        "therapist": "any"
        if chosen.get("any_therapist")
        else (chosen["therapist"]["id"] if chosen.get("therapist") else None),
        "date": chosen["date"].isoformat() if chosen.get("date") else None,
    }
    values.update(extra)
    return urlencode({k: v for k, v in values.items() if v is not None})


def _therapist_user(chosen):
    if chosen.get("therapist") is None:
        return None
    return slots.therapists().filter(pk=chosen["therapist"]["id"]).first()


def _days_with_times(chosen) -> list[dt.date]:
    """The first few days with a free time, of the next two weeks the policy allows."""
    first, last = chosen["first_day"], chosen["last_day"]
    span = min((last - first).days + 1, DAYS_SCANNED)
    free = self_booking.public_free_days(
        location=chosen["location"],
        appointment_type=chosen["kind"],
        days=[first + dt.timedelta(days=n) for n in range(max(span, 0))],
        therapist=_therapist_user(chosen),
    )
    return [day for day, found in free.items() if found][:DAYS_SHOWN]


def _times_by_therapist(chosen) -> list[dict]:
    found = self_booking.public_free_slots(
        location=chosen["location"],
        appointment_type=chosen["kind"],
        day=chosen["date"],
        therapist=_therapist_user(chosen),
    )
    names = {t["id"]: t["name"] for t in chosen["team"]}
    tz = ZoneInfo(chosen["location"].time_zone)
    groups: dict[int, dict] = {}
    for slot in found:
        person = slot["therapist"].pk
        group = groups.setdefault(person, {"name": names.get(person, ""), "times": []})
        group["times"].append(
            {
                "start": slot["start"].astimezone(tz),
                "query": _query(chosen, therapist=person, start=int(slot["start"].timestamp())),
            }
        )
    return sorted(groups.values(), key=lambda g: g["name"])


def _step(chosen) -> str:
    if chosen["location"] is None:
        return "location"
    if chosen["kind"] is None:
        return "type"
    if chosen["therapist"] is None and not chosen["any_therapist"]:
        return "therapist"
    if chosen["date"] is None:
        return "day"
    return "time"


def _page_context(chosen) -> dict:
    context = {"chosen": chosen, "step": _step(chosen)}
    if chosen.get("location") is not None:
        policy = policy_for(chosen["location"])
        context["policy"] = policy
        context["hold_minutes"] = hold_minutes(policy)
        context["change"] = {
            "location": "?",
            "type": "?" + _query(chosen, type=None, therapist=None, date=None),
            "therapist": "?" + _query(chosen, therapist=None, date=None),
            "date": "?" + _query(chosen, date=None),
        }
        if len(chosen["places"]) > 1:
            context["change"]["location"] = "?"
    if chosen.get("types") is not None:
        groups = [
            (kind, [t for t in chosen["types"] if t.visit_kind == kind]) for kind in VisitKind
        ]
        context["type_groups"] = [(kind, kinds) for kind, kinds in groups if kinds]
    return context


@login_not_required
@require_GET
def public_book(request: HttpRequest) -> HttpResponse:
    """Choose a location, a visit type, a therapist (or the first available), a day, a time."""
    chosen = _choices(request)
    context = _page_context(chosen)
    step = context["step"]
    if step == "day":
        context["days"] = _days_with_times(chosen)
    elif step == "time":
        context["groups"] = _times_by_therapist(chosen)
    context["query"] = _query
    context["links"] = {
        "types": [(t, "?" + _query(chosen, type=t.pk)) for t in chosen.get("types", [])],
        "therapists": [
            (t, "?" + _query(chosen, therapist=t["id"])) for t in chosen.get("team", [])
        ],
        "any": "?" + _query(chosen, therapist="any"),
        "days": [(d, "?" + _query(chosen, date=d.isoformat())) for d in context.get("days", [])],
        "places": [(p, "?" + urlencode({"location": p.pk})) for p in chosen["places"]],
    }
    return _render(request, "patients/public_book.html", context, location=chosen.get("location"))


def _chosen_slot(request, chosen) -> dict | None:
    """The time picked on the page, if it is still one the runner could book."""
    if chosen["location"] is None or chosen["kind"] is None or chosen["therapist"] is None:
        return None
    epoch = _int(request.GET.get("start"))
    if epoch is None:
        return None
    try:
        start = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
        # Checked before the move to local time, which overflows at the ends of the calendar.
        if dates.instant_problem(start):
            return None
        local = start.astimezone(ZoneInfo(chosen["location"].time_zone))
    except (OverflowError, OSError, ValueError):
        return None
    return {"start": start, "local": local, "therapist": chosen["therapist"]}


@login_not_required
@require_http_methods(["GET", "POST"])
def public_book_details(request: HttpRequest) -> HttpResponse:
    """Your details for the chosen time; sending them holds it and emails a confirm link."""
    chosen = _choices(request)
    slot = _chosen_slot(request, chosen)
    if slot is None:
        return redirect(reverse("patients:public_book") + "?" + _query(chosen))
    form = BookingDetailsForm(request.POST or None)
    context = {**_page_context(chosen), "slot": slot, "form": form, "step": "details"}
    if request.method == "POST" and form.is_valid():
        outcome = _hold(request, chosen, slot, form)
        if isinstance(outcome, HttpResponse):
            return outcome
        context["taken"] = outcome == "taken"
        context["mail_failed"] = outcome == "mail_failed"
    if context.get("mail_failed"):
        status = 503
    else:
        status = 409 if context.get("taken") else (422 if form.errors else 200)
    return _render(
        request,
        "patients/public_book_details.html",
        context,
        location=chosen["location"],
        status=status,
    )


def _hold(request, chosen, slot, form):
    """Hold the slot, or say why not: a response, "taken", or errors added to the form."""
    data = form.cleaned_data
    try:
        booking_limits.count_attempt(request, data["email"])
    except booking_limits.TooManyBookings:
        return render(request, "patients/public_book_limited.html", status=429)
    if data.get("website"):
        # A bot filled the field people never see: it is told what a person would be, and
        # nothing is held or sent.
        fake = timezone.now() + dt.timedelta(minutes=hold_minutes(policy_for(chosen["location"])))
        return _sent_redirect(fake, chosen["location"])
    try:
        details = self_booking.clean_details(
            **{k: data[k] for k in ("first_name", "last_name", "email", "phone", "date_of_birth")}
        )
        hold = self_booking.booking_hold_create(
            location=chosen["location"],
            appointment_type=chosen["kind"],
            start=slot["start"],
            therapist=_therapist_user(chosen),
            details=details,
            language=request_language(),
            before_mail=booking_limits.count_mail,
            owner_keys=booking_limits.owner_keys(request, data["email"]),
        )
    except booking_limits.HoldAlreadyLive as exc:
        until = exc.until.astimezone(ZoneInfo(chosen["location"].time_zone))
        return _render(
            request,
            "patients/public_book_limited.html",
            {"until": until},
            location=chosen["location"],
            status=429,
        )
    except booking_limits.AddressHoldsFull:
        context = {"holds_full": True}
        return render(request, "patients/public_book_limited.html", context, status=429)
    except booking_limits.TooManyBookings:
        return render(request, "patients/public_book_limited.html", status=429)
    except self_booking.ConfirmMailFailed:
        form.add_error(None, self_booking.MAIL_FAILED_MESSAGE)
        return "mail_failed"
    except SlotTaken:
        return "taken"
    except ValidationError as exc:
        add_service_errors(exc, form)
        return None
    return _sent_redirect(hold.expires_at, hold.location)


def _sent_redirect(expires_at: dt.datetime, location) -> HttpResponse:
    token = signing.dumps({"e": int(expires_at.timestamp()), "l": location.pk}, salt=SENT_SALT)
    return redirect(reverse("patients:public_book_sent") + "?" + urlencode({"t": token}))


@login_not_required
@require_GET
def public_book_sent(request: HttpRequest) -> HttpResponse:
    """Check your email: the link confirms the time, until the hold expires."""
    try:
        data = signing.loads(request.GET.get("t", ""), salt=SENT_SALT, max_age=6 * 3600)
        expires = dt.datetime.fromtimestamp(int(data["e"]), tz=dt.UTC)
        location = online_locations().filter(pk=int(data["l"])).first()
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return redirect("patients:public_book")
    if location is None:
        return redirect("patients:public_book")
    local = expires.astimezone(ZoneInfo(location.time_zone))
    return _render(request, "patients/public_book_sent.html", {"expires": local}, location=location)


@login_not_required
@require_http_methods(["GET", "POST"])
def public_book_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The email's link: shows the held time on GET, books it on POST, once."""
    try:
        hold = self_booking.hold_for_token(token)
    except self_booking.HoldGone:
        return render(request, "patients/public_book_expired.html", status=410)
    tz = ZoneInfo(hold.location.time_zone)
    context = {
        "hold": hold,
        "start": hold.start.astimezone(tz),
        "expires": hold.expires_at.astimezone(tz),
        "therapist": self_booking.therapist_display_name(hold.therapist),
    }
    if request.method == "POST":
        try:
            appointment = self_booking.booking_hold_confirm(token=token)
        except self_booking.HoldGone:
            return render(request, "patients/public_book_expired.html", status=410)
        except SlotTaken:
            context["busy"] = True
            return _render(request, CONFIRM, context, location=hold.location, status=409)
        except ValidationError:
            context["failed"] = True
            return _render(request, CONFIRM, context, location=hold.location, status=409)
        context["portal"] = appointment.portal
        return _render(request, "patients/public_book_done.html", context, location=hold.location)
    return _render(request, CONFIRM, context, location=hold.location)
