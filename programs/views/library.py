"""The exercise library, for therapists and managers."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from dangpt.roles import CLINICIAN_ROLES, role_required
from programs import forms
from programs.dose import dose_text
from programs.models import Exercise


@require_GET
@role_required(*CLINICIAN_ROLES)
def exercise_list(request: HttpRequest) -> HttpResponse:
    """The exercise library, searchable by words, region, condition and category."""
    form = forms.LibrarySearchForm(request.GET or None)
    exercises = Exercise.objects.all()
    if form.is_valid():
        exercises = exercises.search(**form.cleaned_data)
    page = Paginator(exercises, 24).get_page(request.GET.get("page"))
    context = {"form": form, "page": page}
    return render(request, "programs/exercise_list.html", context)


@require_GET
@role_required(*CLINICIAN_ROLES)
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One exercise with its instructions, cues, dosage and links."""
    exercise = get_object_or_404(
        Exercise.objects.select_related("progression", "regression"), slug=slug
    )
    context = {"exercise": exercise, "dose": dose_text(exercise.default_dosage)}
    return render(request, "programs/exercise_detail.html", context)
