"""The runner's home page: today's exercises, the check-off and the week, its body cached.

One function, ``home_page``, answers every request for it; programs/portal/cache.py keeps the
body while none of the rows it shows changed.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from assessments.interface import due_questionnaires
from dangpt.audit import audit_patient_access
from dangpt.dates import format_for
from dangpt.models import AccessKind
from patients.models import Appointment, Patient
from patients.previsit import previsit_banner, upcoming_visits
from patients.selectors import runner_patient
from programs import forms, selectors
from programs.library_words import LIBRARY_DIR, in_language
from programs.portal import cache
from programs.portal.checkoff import SessionForm, session_rows
from programs.portal.items import CARD_FIELDS, CARD_TEMPLATE, version_items

BODY_TEMPLATE = "programs/_home_body.html"


def home_page(request: HttpRequest, *, session_form: SessionForm | None = None) -> HttpResponse:
    """The runner's home; with a check-off form that came back invalid, its errors (400).

    The body is served from the cache while its rows are unchanged; a form with errors, or a
    runner without an active program, is built fresh.
    """
    today = timezone.localdate()
    invalid = session_form is not None
    found = None if invalid else cache.fingerprint(request.user.pk, today)
    if found is None:
        patient, program = selectors.read_runner_record(request, kind=AccessKind.PROGRAM)
        context = _context(patient, program, today, session_form)
        body = render_to_string(BODY_TEMPLATE, context, request=request)
        status = 400 if invalid else 200
        return _page(request, body, patient.first_name, patient.pk, status=status, patient=patient)
    # The fingerprint scoped the program to this runner: it is the read the access log records.
    audit_patient_access(
        request, patient_id=found.patient_id, kind=AccessKind.PROGRAM, ref=found.program_id
    )
    read: dict = {}  # a body built now read the patient: the banner takes it from there
    body = cache.reuse_or_build(
        request.user.pk,
        today,
        found,
        part="home",
        # The body is in the runner's language: a change of language is a new body.
        version=f"{_templates_hash()}-{get_language()}",
        build=lambda: _cached_body(request, today, read),
    )
    body = cache.with_token(request, body)
    patient = read.get("patient")
    return _page(request, body, found.first_name, found.patient_id, patient=patient)


def _cached_body(request: HttpRequest, today: dt.date, read: dict) -> str:
    """The body for the cache: the token is a placeholder, each visit puts its own in. The
    patient it read is left in ``read``."""
    program = selectors.get_runner_program(request)
    patient = program.patient if program is not None else runner_patient(request.user)
    read["patient"] = patient
    context = _context(patient, program, today)
    return render_to_string(BODY_TEMPLATE, context | {"csrf_token": cache.CSRF_PLACEHOLDER})


def _page(
    request: HttpRequest,
    body: str,
    first_name: str,
    patient_id: int,
    status: int = 200,
    *,
    patient: Patient | None = None,
) -> HttpResponse:
    # The appointment, the pre-visit banner and the questionnaires are read on each visit,
    # outside the cached body: their rows are not in the body's fingerprint. The next visits are
    # read once for the appointment card and the banner.
    visits = upcoming_visits(patient_id)
    if patient is None:  # a cached body: the banner needs the patient's own fields
        patient = Patient.objects.get(pk=patient_id)
    context = {
        "body": mark_safe(body),  # noqa: S308 - our template
        "first_name": first_name,
        "next_appointment": next_appointment(visits.next),
        "previsit": previsit_banner(patient, visits=visits),
        "due": due_questionnaires(patient=patient_id),
    }
    return render(request, "programs/home.html", context, status=status)


def next_appointment(appointment: Appointment | None) -> dict | None:
    """The runner's next appointment as the home shows it, in its location's time."""
    if appointment is None:
        return None
    start = timezone.localtime(appointment.start, ZoneInfo(appointment.location.time_zone))
    therapist = appointment.therapist.get_full_name()
    return {
        "date": date_format(start, format_for("weekday_year")),
        "time": date_format(start, format_for("time")),
        "place": appointment.location.name,
        "address": appointment.location.address,
        "therapist": therapist,
    }


@functools.cache
def _templates_hash() -> str:
    """Changes with the body's templates and the library's Spanish words, so a deploy never
    serves a body of the old ones."""
    sources = []
    for name in (BODY_TEMPLATE, CARD_TEMPLATE):
        with open(get_template(name).origin.name, "rb") as handle:
            sources.append(handle.read())
    for name in ("exercises_es.json", "templates.json"):
        sources.append((LIBRARY_DIR / name).read_bytes())
    return hashlib.sha256(b"\0".join(sources)).hexdigest()[:16]


def _context(patient, program, today: dt.date, session_form: SessionForm | None = None) -> dict:
    context = {"patient": patient, "program": program, "today": today}
    if program is None:
        return context
    items = version_items(program.current_version, exercise_fields=CARD_FIELDS)
    sessions = selectors.recent_sessions(program, since=cache.window_start(today))
    today_session = next((s for s in sessions if s.date == today), None)
    entries = {e.item_id: e for e in today_session.entry_list} if today_session else {}
    for item in items:
        item.entry = entries.get(item.item_id)
    if session_form is None:  # a GET: today's entries, no form fields built
        rows, form_errors = session_rows(items, _initial(entries)), []
    else:  # the check-off came back with errors
        rows, form_errors = session_form.rows(), session_form.non_field_errors()
    return context | {
        "items": items,
        "rows": rows,
        "form_errors": form_errors,
        "today_session": today_session,
        "adherence": selectors.weekly_adherence(items, sessions, today),
        "morning_session": _morning_session(sessions, today),
        "morning_form": forms.MorningForm(),
        "version": program.current_version,
        "program_title": in_language(program.title),
    }


def _initial(entries: dict) -> dict:
    """The check-off's values from today's entries."""
    initial = {}
    for item_id, entry in entries.items():
        initial |= {
            f"done_{item_id}": entry.done,
            f"pain_during_{item_id}": entry.pain_during,
            f"pain_after_{item_id}": entry.pain_after,
            f"difficulty_{item_id}": entry.difficulty,
        }
    return initial


def _morning_session(sessions: list, today: dt.date):
    """The latest earlier session with an exercise done and its next-morning pain not given."""
    return next(
        (
            s
            for s in sessions
            if s.date < today and any(e.done and e.next_morning_pain is None for e in s.entry_list)
        ),
        None,
    )
