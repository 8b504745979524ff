"""The runner's portal."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangpt.roles import Role, role_required


@require_GET
@role_required(Role.RUNNER)
def home(request: HttpRequest) -> HttpResponse:
    """The runner's home: their program for today."""
    patient = getattr(request.user, "patient", None)
    return render(request, "programs/home.html", {"patient": patient})
