"""Front desk, therapist and manager pages."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangpt.roles import Role, role_required
from patients.models import Location, Patient, StaffProfile


@require_GET
@role_required(Role.FRONT_DESK, Role.MANAGER)
def schedule(request: HttpRequest) -> HttpResponse:
    """Today's schedule for the front desk, one panel per location."""
    locations = Location.objects.filter(is_active=True)
    return render(
        request, "patients/schedule.html", {"locations": locations, "today": timezone.localdate()}
    )


@require_GET
@role_required(Role.THERAPIST)
def my_day(request: HttpRequest) -> HttpResponse:
    """The therapist's own day."""
    return render(request, "patients/my_day.html", {"today": timezone.localdate()})


@require_GET
@role_required(Role.MANAGER)
def clinic_overview(request: HttpRequest) -> HttpResponse:
    """Headline figures of the clinic for the manager."""
    user_model = get_user_model()
    context = {
        "location_count": Location.objects.filter(is_active=True).count(),
        "therapist_count": StaffProfile.objects.therapists().count(),
        "patient_count": Patient.objects.count(),
        "runner_logins": user_model.objects.filter(
            groups__name=Role.RUNNER, is_active=True
        ).count(),
    }
    return render(request, "patients/clinic_overview.html", context)
