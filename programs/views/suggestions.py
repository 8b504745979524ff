"""The therapist's pages for progression suggestions: propose from the logs, approve, dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from dangpt.roles import Role, role_required
from programs import services
from programs.models import ProgressionSuggestion
from programs.selectors import get_program_for_user


@require_POST
@role_required(Role.THERAPIST)
def suggestions_generate(request: HttpRequest, pk: int) -> HttpResponse:
    """Check the logs against each item's pain rule and propose progressions or regressions."""
    program = get_program_for_user(request, pk)
    created = services.suggestions_generate(program=program)
    messages.info(request, f"{len(created)} new suggestion(s) from the logs.")
    return redirect("programs:detail", pk=program.pk)


def _get_suggestion(request: HttpRequest, pk: int, suggestion_pk: int) -> ProgressionSuggestion:
    program = get_program_for_user(request, pk)
    return get_object_or_404(
        program.suggestions.select_related("item__exercise", "program"), pk=suggestion_pk
    )


@require_POST
@role_required(Role.THERAPIST)
def suggestion_approve(request: HttpRequest, pk: int, suggestion_pk: int) -> HttpResponse:
    """Approve a suggestion: the new dosage is published as a new version."""
    suggestion = _get_suggestion(request, pk, suggestion_pk)
    try:
        version = services.suggestion_approve(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    else:
        messages.success(request, f"Approved; version {version.number} published.")
    return redirect("programs:detail", pk=pk)


@require_POST
@role_required(Role.THERAPIST)
def suggestion_dismiss(request: HttpRequest, pk: int, suggestion_pk: int) -> HttpResponse:
    """Dismiss a suggestion; the dosage stays."""
    suggestion = _get_suggestion(request, pk, suggestion_pk)
    try:
        services.suggestion_dismiss(suggestion=suggestion, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(m for ms in error.message_dict.values() for m in ms))
    else:
        messages.success(request, "Suggestion dismissed.")
    return redirect("programs:detail", pk=pk)
