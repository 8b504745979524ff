"""The program's current version on one printable page, for the runner and the therapist."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dangpt.roles import Role, role_required
from programs import selectors
from programs.library_words import in_language
from programs.models import Program
from programs.portal.advice import clinic_phone
from programs.portal.items import version_items


def _print(request: HttpRequest, program: Program) -> HttpResponse:
    version = program.current_version
    if version is None:
        raise Http404
    context = {
        "program": program,
        # The library's name in the reader's language (a therapist's own title as typed).
        "title": in_language(program.title),
        "version": version,
        "items": version_items(version),
        "clinic_phone": clinic_phone(program.patient),
    }
    return render(request, "programs/program_print.html", context)


@require_GET
@role_required(Role.RUNNER)
def my_program_print(request: HttpRequest) -> HttpResponse:
    """The runner's current program on one printable page."""
    return _print(request, selectors.read_runner_program(request))


@require_GET
@role_required(Role.THERAPIST)
def program_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The program's current version on one printable page."""
    return _print(request, selectors.read_program_for_user(request, pk, published=True))
