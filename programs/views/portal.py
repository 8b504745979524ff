"""The runner's pages: home and check-off, next-morning pain, calendar and the run log."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import safety
from dangpt import units
from dangpt.dates import shown
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import Role, role_required
from programs import forms, selectors, services
from programs.models import Program, RunLog, SessionLog
from programs.portal.advice import advice_text, over_limit
from programs.portal.checkoff import SessionForm
from programs.portal.home import home_page
from programs.portal.items import version_items
from programs.portal.runs import SPIKE_SOURCE_URL, load_warning_label, load_warning_text
from programs.rules import load, walkrun
from programs.services.logs import runner_today
from programs.services.walkrun import walk_run_suggestion


@require_GET
@role_required(Role.RUNNER)
def home(request: HttpRequest) -> HttpResponse:
    """The runner's home: today's exercises, the session check-off and this week's adherence."""
    return home_page(request)


@require_POST
@role_required(Role.RUNNER)
def log_session(request: HttpRequest) -> HttpResponse:
    """Store today's session from the check-off form; pain over the limit gets the plan's advice."""
    program = selectors.get_runner_program(request)
    if program is None:
        raise Http404
    form = SessionForm(request.POST, items=version_items(program.current_version))
    if form.is_valid():
        entries = form.entries()
        try:
            session = services.session_log(
                program=program, date=timezone.localdate(), entries=entries
            )
        except ValidationError as error:
            add_service_errors(error, form)
        else:
            logged = {e["item_id"] for e in entries}
            rows = session.entries.filter(item_id__in=logged).select_related("exercise")
            _after_pain(request, program, over_limit(program, rows), _("Session saved. Well done!"))
            return redirect("programs:home")
    return home_page(request, session_form=form)


def _after_pain(request, program, found, praise: str, *, morning: bool = False) -> None:
    """The plan's advice when pain passed the limit; otherwise ``praise``."""
    if found:
        messages.warning(request, advice_text(program, found, morning=morning))
    else:
        messages.success(request, praise)


@require_POST
@role_required(Role.RUNNER)
def session_morning(request: HttpRequest, pk: int) -> HttpResponse:
    """Record how a session's exercises felt the next morning."""
    session = get_object_or_404(
        SessionLog.objects.select_related("program__patient"),
        pk=pk,
        program__patient__user=request.user,
    )
    form = forms.MorningForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose your pain this morning, from 0 to 10."))
        return redirect("programs:home")
    services.session_next_morning(session=session, pain=form.cleaned_data["next_morning_pain"])
    rows = session.entries.select_related("exercise")
    found = over_limit(session.program, rows, morning=True)
    _after_pain(
        request, session.program, found, _("Thanks, next-morning pain saved."), morning=True
    )
    return redirect("programs:home")


def _month(request: HttpRequest) -> tuple[int, int]:
    today = timezone.localdate()
    try:
        year, month = (int(p) for p in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        return today.year, today.month
    return year, month


@require_GET
@role_required(Role.RUNNER)
def session_calendar(request: HttpRequest) -> HttpResponse:
    """A month of sessions and runs."""
    patient, program = selectors.read_runner_record(request, kind=AccessKind.SESSION_CALENDAR)
    year, month = _month(request)
    first = dt.date(year, month, 1)
    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    context = {
        "weeks": selectors.month_calendar(patient=patient, program=program, year=year, month=month),
        "month_start": first,
        "unit": patient.distance_unit,
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{following:%Y-%m}",
    }
    return render(request, "programs/session_calendar.html", context)


def _walk_run(program: Program | None, runs: list[RunLog]):
    if program is None or program.walk_run_stage is None:
        return None
    stage = walkrun.get_stage(program.walk_run_stage)
    today = timezone.localdate()
    resting = program.walk_run_stage_since and program.walk_run_stage_since > today
    return {
        "stage": stage,
        "suggestion": walk_run_suggestion(program, runs),
        # After a step back: rest until the lower stage starts.
        "starts_on": program.walk_run_stage_since if resting else None,
        "therapist_told": bool(program.walk_run_review),
    }


def _run_errors(error: ValidationError, form: forms.RunForm) -> None:
    """The service's errors on the form; its ``distance_km`` is the form's ``distance``."""
    if hasattr(error, "error_dict"):
        renamed = {
            ("distance" if field == "distance_km" else field): messages_
            for field, messages_ in error.message_dict.items()
        }
        error = ValidationError(renamed)
    add_service_errors(error, form)


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def runs(request: HttpRequest) -> HttpResponse:
    """The run log: log a run (with the spike warning), recent runs and the weekly volume chart."""
    patient, program = selectors.read_runner_record(request, kind=AccessKind.RUN_LOG)
    unit = patient.distance_unit
    today = runner_today(patient)
    form = forms.RunForm(request.POST or None, unit=unit, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_log(patient=patient, **form.run_values())
        except ValidationError as error:
            _run_errors(error, form)
        else:
            text = load_warning_text(run.load_warning, run_km=run.distance_km, unit=unit)
            if text:
                messages.warning(request, text)
            else:
                messages.success(request, _("Run saved."))
            return redirect("programs:runs")
    recent = list(RunLog.objects.filter(patient=patient, date__gte=today - dt.timedelta(weeks=8)))
    volume = load.weekly_volume([(r.date, float(r.distance_km)) for r in recent], today=today)
    running_on_hold = safety.running_hold(patient_id=patient.pk)
    page = Paginator(RunLog.objects.filter(patient=patient), 20).get_page(request.GET.get("page"))
    for run in page:
        run.warning_label = load_warning_label(run.load_warning)
    unit_name = _("miles") if unit == units.MILES else _("km")
    weeks = [
        (
            shown(w.week_start, "month_day"),
            float(units.one_decimal(units.from_km(w.distance_km, unit))),
        )
        for w in volume
    ]
    context = {
        "form": form,
        "page": page,
        "unit": unit,
        "unit_name": unit_name,
        "chart": {
            "labels": [label for label, _value in weeks],
            "km": [value for _label, value in weeks],
            "rows": weeks,
            "this_week": units.distance_text(volume[-1].distance_km, unit),
            "unit_label": unit_name,
            "series_label": _("%(unit)s per week") % {"unit": unit_name},
        },
        "spike_source": SPIKE_SOURCE_URL,
        # No plan while running is blocked (a red flag, or a bone stress injury not yet cleared).
        "running_on_hold": running_on_hold,
        "walk_run": None if running_on_hold else _walk_run(program, recent),
        "morning_form": forms.MorningForm(),
        "today": today,
    }
    return render(request, "programs/run_list.html", context, status=400 if form.errors else 200)


@require_POST
@role_required(Role.RUNNER)
def run_morning(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the next-morning pain of a run."""
    run = get_object_or_404(RunLog, pk=pk, patient__user=request.user)
    form = forms.MorningForm(request.POST)
    if form.is_valid():
        services.run_next_morning(run=run, pain=form.cleaned_data["next_morning_pain"])
        messages.success(request, _("Thanks, next-morning pain saved."))
    else:
        messages.error(request, _("Choose your pain this morning, from 0 to 10."))
    return redirect("programs:runs")
