"""Clinic set-up for the manager: locations, working hours, time off, appointment types."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from dangpt.roles import Role, role_required
from patients import services
from patients.forms import AppointmentTypeForm, LocationForm, TimeOffForm, WorkingHoursForm
from patients.models import AppointmentType, Location, TimeOff, WorkingHours

# kind in the URL -> (title, model, form, joins for the list)
SETUP = {
    "locations": ("Locations", Location, LocationForm, ()),
    "hours": ("Working hours", WorkingHours, WorkingHoursForm, ("therapist", "location")),
    "time-off": ("Time off", TimeOff, TimeOffForm, ("therapist",)),
    "types": ("Appointment types", AppointmentType, AppointmentTypeForm, ()),
}


def _kind(kind: str):
    if kind not in SETUP:
        raise Http404
    return SETUP[kind]


@require_GET
@role_required(Role.MANAGER)
def setup_list(request: HttpRequest, kind: str) -> HttpResponse:
    """One kind of set-up row, with links to add, change and delete."""
    title, model, _, joins = _kind(kind)
    rows = model.objects.select_related(*joins).all()
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"title": title, "kind": kind, "page": page, "kinds": SETUP}
    return render(request, "patients/setup_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def setup_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    """Add or change one set-up row."""
    title, model, form_class, _ = _kind(kind)
    instance = get_object_or_404(model, pk=pk) if pk else None
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.clinic_setup_save(form=form)
        messages.success(request, f"{title}: saved.")
        return redirect("patients:setup", kind=kind)
    context = {"title": title, "kind": kind, "form": form, "instance": instance}
    return render(request, "patients/setup_edit.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.MANAGER)
def setup_delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Ask, then delete a set-up row (refused while appointments use it)."""
    title, model, _, _ = _kind(kind)
    obj = get_object_or_404(model, pk=pk)
    if request.method == "POST":
        try:
            services.clinic_setup_delete(obj=obj)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{title}: deleted.")
        return redirect("patients:setup", kind=kind)
    context = {"title": title, "kind": kind, "obj": obj}
    return render(request, "patients/setup_delete.html", context)
