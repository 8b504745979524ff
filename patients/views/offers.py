"""The claim link of a waitlist offer (no sign-in) and the manager's booking settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from dangpt.roles import Role, role_required
from patients import policy, services
from patients.forms import BookingPolicyForm, OnlineTypeFormSet
from patients.models import AppointmentType, Location, OfferStatus
from patients.services.offers import OfferLinkInvalid, offer_from_token, offer_status_now


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def offer_claim(request: HttpRequest, token: str) -> HttpResponse:
    """A waitlist offer from an email: GET shows the time, POST books it if nobody has."""
    try:
        offer = offer_from_token(token)
    except OfferLinkInvalid:
        offer = None
    if offer is None:
        return render(request, "patients/offer_claim.html", {"state": "invalid"}, status=404)
    now = timezone.now()
    if request.method == "POST":
        offer = services.offer_claim(offer=offer, now=now)
        state = offer.status
    else:
        state = offer_status_now(offer, now=now)
    status = 409 if request.method == "POST" and state != OfferStatus.CLAIMED else 200
    context = {"offer": offer, "state": state}
    return render(request, "patients/offer_claim.html", context, status=status)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def booking_settings(request: HttpRequest) -> HttpResponse:
    """Per location: the online booking policy; for the clinic: which visit types are online."""
    places = list(Location.objects.filter(is_active=True))
    raw = request.GET.get("location", "")
    location = next((p for p in places if str(p.pk) == raw), places[0] if places else None)
    if location is None:
        return render(request, "patients/booking_settings.html", {"location": None})
    data = request.POST if request.method == "POST" else None
    policy_form = BookingPolicyForm(data, instance=policy.policy_for(location), prefix="policy")
    types = OnlineTypeFormSet(
        data, queryset=AppointmentType.objects.filter(is_active=True), prefix="types"
    )
    if request.method == "POST" and policy_form.is_valid() and types.is_valid():
        services.booking_settings_save(policy_form=policy_form, types_formset=types)
        messages.success(request, f"Booking settings of {location.name} saved.")
        return redirect(f"{request.path}?location={location.pk}")
    preview = policy.describe_policy(policy_form.instance) if not policy_form.errors else []
    context = {
        "places": places,
        "location": location,
        "policy_form": policy_form,
        "types": types,
        "preview": preview,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "patients/booking_settings.html", context, status=status)
