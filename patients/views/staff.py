"""The therapist's day and week, calendar files, the waitlist, and the manager's overview."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangpt.audit import audit_patient_list
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import DESK_ROLES, STAFF_ROLES, Role, role_required
from patients import services
from patients.forms import WaitlistForm
from patients.models import Appointment, Location, Patient, WaitlistEntry, WaitlistOffer
from patients.previsit import attach_readiness
from patients.querysets import ACTIVE
from patients.selectors import read_appointment
from patients.views.common import (
    clinic_zone,
    get_patient_for_user,
    parse_day,
)


@require_GET
@role_required(Role.THERAPIST)
def my_day(request: HttpRequest) -> HttpResponse:
    """The therapist's own appointments for a day, or the week (?view=week)."""
    tz = clinic_zone()
    day = parse_day(request.GET.get("date"), tz, request)
    week = request.GET.get("view") == "week"
    first = day - dt.timedelta(days=day.weekday()) if week else day
    last = first + dt.timedelta(days=7 if week else 1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(last, dt.time.min, tzinfo=tz)
    rows = list(
        Appointment.objects.with_related()
        .filter(therapist=request.user)
        .overlapping(start, end)
        .order_by("start")
    )
    attach_readiness(rows)
    audit_patient_list(
        request, kind=AccessKind.SCHEDULE, shown=((a.patient_id, a.pk) for a in rows)
    )
    step = dt.timedelta(days=7 if week else 1)
    context = {
        "day": day,
        "first": first,
        "last": last - dt.timedelta(days=1),
        "week": week,
        "appointments": rows,
        "show_screening": True,
        "previous_day": day - step,
        "next_day": day + step,
        "has_feed": bool(
            getattr(getattr(request.user, "staff_profile", None), "calendar_token_hash", "")
        ),
    }
    return render(request, "patients/my_day.html", context)


@require_POST
@role_required(Role.THERAPIST)
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Issue a new private feed URL (the old one stops working) or turn the feed off."""
    if request.POST.get("action") == "revoke":
        services.calendar_feed_revoke(therapist=request.user)
        messages.success(request, "Calendar feed turned off; the old address no longer works.")
        return redirect("patients:my_day")
    token = services.calendar_feed_reset(therapist=request.user)
    url = request.build_absolute_uri(reverse("patients:feed", args=[token]))
    messages.success(request, f"Your private calendar address (shown once; keep it secret): {url}")
    return redirect("patients:my_day")


@login_not_required
@never_cache
@require_GET
def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The therapist's private ICS feed; an unknown or revoked token answers 404."""
    therapist = services.calendar_feed_therapist(token=token)
    if therapist is None:
        raise Http404
    body = services.calendar_feed_ics(therapist=therapist, now=timezone.now())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@require_GET
@role_required(*STAFF_ROLES, Role.RUNNER)
def appointment_ics(request: HttpRequest, pk: int) -> HttpResponse:
    """One appointment as an .ics file (staff, or the runner whose appointment it is)."""
    appointment = read_appointment(request, pk)
    response = HttpResponse(
        services.appointment_ics(appointment=appointment), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="appointment-{appointment.pk}.ics"'
    return response


RECENT_OFFERS = 30


@require_GET
@role_required(*DESK_ROLES)
def waitlist(request: HttpRequest) -> HttpResponse:
    """Everyone waiting, oldest first."""
    entries = WaitlistEntry.objects.waiting().visible_to(request.user)
    page = Paginator(entries, 25).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    offers = list(
        WaitlistOffer.objects.filter(entry__in=WaitlistEntry.objects.visible_to(request.user))
        .select_related("entry__patient", "therapist", "location")
        .order_by("-created_at", "-id")[:RECENT_OFFERS]
    )
    shown = [(entry.patient_id, entry.pk) for entry in page.object_list]
    shown += [(offer.entry.patient_id, f"offer {offer.pk}") for offer in offers]
    audit_patient_list(request, kind=AccessKind.WAITLIST, shown=shown)
    return render(request, "patients/waitlist_list.html", {"page": page, "offers": offers})


@require_http_methods(["GET", "POST"])
@role_required(*DESK_ROLES)
def waitlist_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a patient on the waitlist with preferred therapist, days and times."""
    patient = get_patient_for_user(request, pk)
    form = WaitlistForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.waitlist_add(patient=patient, fields=form.cleaned_data, by=request.user)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Added to the waitlist.")
            return redirect("patients:waitlist")
    return render(request, "patients/waitlist_add.html", {"patient": patient, "form": form})


@require_POST
@role_required(*DESK_ROLES)
def waitlist_remove(request: HttpRequest, entry_pk: int) -> HttpResponse:
    """Take an entry off the waitlist."""
    entry = get_object_or_404(WaitlistEntry.objects.waiting().visible_to(request.user), pk=entry_pk)
    services.waitlist_remove(entry=entry, by=request.user)
    messages.success(request, "Removed from the waitlist.")
    return redirect("patients:waitlist")


@require_GET
@role_required(Role.MANAGER)
def clinic_overview(request: HttpRequest) -> HttpResponse:
    """Headline figures of the clinic and the way into clinic set-up."""
    now = timezone.now()
    month_ago = now - dt.timedelta(days=30)
    # One query per table: the two user figures share one, the three appointment figures another.
    users = (
        get_user_model()
        .objects.filter(is_active=True)
        .aggregate(
            therapists=Count("pk", filter=Q(groups__name=Role.THERAPIST), distinct=True),
            runners=Count("pk", filter=Q(groups__name=Role.RUNNER), distinct=True),
        )
    )
    appointments = Appointment.objects.aggregate(
        upcoming=Count("pk", filter=Q(status__in=ACTIVE, start__gte=now)),
        no_shows=Count("pk", filter=Q(status="no_show", start__gte=month_ago)),
        late_cancels=Count("pk", filter=Q(late_cancel=True, start__gte=month_ago)),
    )
    figures = [
        (Location.objects.filter(is_active=True).count(), "Locations"),
        (users["therapists"], "Therapists"),
        (Patient.objects.count(), "Patients"),
        (users["runners"], "Runners with a portal login"),
        (appointments["upcoming"], "Upcoming appointments"),
        (appointments["no_shows"], "No-shows, last 30 days"),
        (appointments["late_cancels"], "Late cancellations, last 30 days"),
        (WaitlistEntry.objects.filter(status="waiting").count(), "Waiting on the waitlist"),
    ]
    context = {"figures": figures}
    return render(request, "patients/clinic_overview.html", context)
