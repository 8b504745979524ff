"""Pages of the programs app: the runner's portal, prescribing and the exercise library."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import Role, role_required
from programs import forms, home_cache, portal, services
from programs.models import (
    Exercise,
    Program,
    ProgramItem,
    ProgramStatus,
    ProgressionSuggestion,
    RunLog,
    SessionLog,
    SuggestionStatus,
)
from programs.rules import load, walkrun
from programs.versions import diff_items, dose_text, snapshot_item

# --- Scoping helpers: each answers 404 for what the user may not see ------------------------


def get_program_for_user(request: HttpRequest, pk: int) -> Program:
    """A program the signed-in user may see, or 404."""
    return get_object_or_404(Program.objects.visible_to(request.user), pk=pk)


def get_item_for_user(request: HttpRequest, program: Program, pk: int) -> ProgramItem:
    """An item of a program the user may see, or 404."""
    return get_object_or_404(program.items.select_related("exercise"), pk=pk)


def get_runner_patient(request: HttpRequest):
    """The runner's own patient record, or 404 for a runner login without one."""
    patient = getattr(request.user, "patient", None)
    if patient is None:
        raise Http404
    return patient


def get_runner_program(request: HttpRequest) -> Program | None:
    """The runner's active program, if any, with its patient and current version."""
    return (
        Program.objects.visible_to(request.user)
        .select_related(None)
        .select_related("patient", "current_version")
        .defer("current_version__changes")  # the diff of the version: no runner page shows it
        .filter(status=ProgramStatus.ACTIVE)
        .order_by("-pk")
        .first()
    )


def get_runner_patient_and_program(request: HttpRequest):
    """The runner's patient record (or 404) and active program, in one query when there is one."""
    program = get_runner_program(request)
    patient = program.patient if program is not None else get_runner_patient(request)
    return patient, program


def _add_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


# --- Runner portal ---------------------------------------------------------------------------


def _audit_home(request: HttpRequest, *, patient_id: int, program_id: int | None) -> None:
    audit_patient_access(request, patient_id=patient_id, kind=AccessKind.PROGRAM, ref=program_id)


def _home_context(request: HttpRequest, session_form=None) -> dict:
    patient, program = get_runner_patient_and_program(request)
    _audit_home(request, patient_id=patient.pk, program_id=program and program.pk)
    today = timezone.localdate()
    context = {"patient": patient, "program": program, "today": today}
    if program is None:
        return context
    items = portal.version_items(program.current_version, exercise_fields=portal.CARD_FIELDS)
    sessions = portal.recent_sessions(program, since=home_cache.window_start(today))
    today_session = next((s for s in sessions if s.date == today), None)
    entries = {e.item_id: e for e in today_session.entry_list} if today_session else {}
    for item in items:
        item.entry = entries.get(item.item_id)
    if session_form is None:  # a GET: today's entries, no form fields built
        initial = {}
        for item_id, entry in entries.items():
            initial |= {
                f"done_{item_id}": entry.done,
                f"pain_during_{item_id}": entry.pain_during,
                f"pain_after_{item_id}": entry.pain_after,
                f"difficulty_{item_id}": entry.difficulty,
            }
        rows, form_errors = forms.session_rows(items, initial), []
    else:  # the check-off came back with errors
        rows, form_errors = session_form.rows(), session_form.non_field_errors()
    morning = next(
        (
            s
            for s in sessions
            if s.date < today and any(e.done and e.next_morning_pain is None for e in s.entry_list)
        ),
        None,
    )
    context |= {
        "items": items,
        "rows": rows,
        "form_errors": form_errors,
        "today_session": today_session,
        "adherence": portal.weekly_adherence(items, sessions, today),
        "morning_session": morning,
        "morning_form": forms.MorningForm(),
        "version": program.current_version,
    }
    return context


def _home_page(request: HttpRequest, body: str, first_name: str, status: int = 200):
    context = {"body": mark_safe(body), "first_name": first_name}  # noqa: S308 - our template
    return render(request, "programs/home.html", context, status=status)


@require_GET
@role_required(Role.RUNNER)
def home(request: HttpRequest) -> HttpResponse:
    """The runner's home: today's exercises, the session check-off and this week's adherence.

    The body is cached under a fingerprint of the rows it shows (programs/home_cache.py).
    """
    today = timezone.localdate()
    found = home_cache.fingerprint(request.user.pk, today)
    if found is None:  # no active program: the empty state, nothing worth caching
        context = _home_context(request)
        body = render_to_string(home_cache.BODY_TEMPLATE, context, request=request)
        return _home_page(request, body, context["patient"].first_name)
    key = home_cache.key(request.user.pk, found, today)
    body = home_cache.get(key)
    if body is None:
        context = _home_context(request)
        body = render_to_string(
            home_cache.BODY_TEMPLATE, context | {"csrf_token": home_cache.CSRF_PLACEHOLDER}
        )
        if home_cache.fingerprint(request.user.pk, today) == found:
            home_cache.put(key, body)
    else:
        _audit_home(request, patient_id=found.patient_id, program_id=found.program_id)
    body = body.replace(home_cache.CSRF_PLACEHOLDER, get_token(request))
    return _home_page(request, body, found.first_name)


@require_POST
@role_required(Role.RUNNER)
def log_session(request: HttpRequest) -> HttpResponse:
    """Store today's session from the check-off form."""
    program = get_runner_program(request)
    if program is None:
        raise Http404
    items = portal.version_items(program.current_version)
    form = forms.SessionForm(request.POST, items=items)
    if form.is_valid():
        try:
            services.session_log(program=program, date=timezone.localdate(), entries=form.entries())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Session saved. Well done!")
            return redirect("programs:home")
    context = _home_context(request, session_form=form)
    body = render_to_string(home_cache.BODY_TEMPLATE, context, request=request)
    return _home_page(request, body, context["patient"].first_name, status=400)


@require_POST
@role_required(Role.RUNNER)
def session_morning(request: HttpRequest, pk: int) -> HttpResponse:
    """Record how a session's exercises felt the next morning."""
    session = get_object_or_404(SessionLog, pk=pk, program__patient__user=request.user)
    form = forms.MorningForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose your pain this morning, from 0 to 10.")
        return redirect("programs:home")
    services.session_next_morning(session=session, pain=form.cleaned_data["next_morning_pain"])
    messages.success(request, "Thanks, next-morning pain saved.")
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
    patient, program = get_runner_patient_and_program(request)
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.SESSION_CALENDAR)
    year, month = _month(request)
    first = dt.date(year, month, 1)
    previous = first - dt.timedelta(days=1)
    following = first + dt.timedelta(days=32)
    context = {
        "weeks": portal.month_calendar(patient=patient, program=program, year=year, month=month),
        "month_start": first,
        "previous_month": f"{previous:%Y-%m}",
        "next_month": f"{following:%Y-%m}",
    }
    return render(request, "programs/session_calendar.html", context)


def _walk_run(program: Program | None, runs: list[RunLog]):
    if program is None or program.walk_run_stage is None:
        return None
    since = program.current_version.published_at.date() if program.current_version else None
    logs = [
        walkrun.RunPain(
            pain_during=r.pain_during,
            pain_after=r.pain_after,
            next_morning_pain=r.next_morning_pain,
            baseline_pain=program.baseline_pain,
            on=r.date,
        )
        for r in sorted(runs, key=lambda r: (r.date, r.pk))
        if since is None or r.date >= since
    ]
    stage = walkrun.get_stage(program.walk_run_stage)
    suggestion = walkrun.suggest_advance(stage=stage.number, logs=logs, tissue=program.tissue)
    return {"stage": stage, "suggestion": suggestion}


@require_http_methods(["GET", "POST"])
@role_required(Role.RUNNER)
def runs(request: HttpRequest) -> HttpResponse:
    """The run log: log a run (with the spike warning), recent runs and the weekly volume chart."""
    patient, program = get_runner_patient_and_program(request)
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.RUN_LOG)
    form = forms.RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_log(patient=patient, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            if run.load_warning:
                messages.warning(request, run.load_warning["message"])
            else:
                messages.success(request, "Run saved.")
            return redirect("programs:runs")
    today = timezone.localdate()
    recent = list(RunLog.objects.filter(patient=patient, date__gte=today - dt.timedelta(weeks=8)))
    volume = load.weekly_volume([(r.date, float(r.distance_km)) for r in recent], today=today)
    page = Paginator(RunLog.objects.filter(patient=patient), 20).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "chart": {
            "labels": [f"{w.week_start:%-d %b}" for w in volume],
            "km": [w.distance_km for w in volume],
            "rows": [(f"{w.week_start:%-d %b}", w.distance_km) for w in volume],
            "this_week": volume[-1].distance_km,
        },
        "walk_run": _walk_run(program, recent),
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
        messages.success(request, "Thanks, next-morning pain saved.")
    else:
        messages.error(request, "Choose your pain this morning, from 0 to 10.")
    return redirect("programs:runs")


def _print(request: HttpRequest, program: Program) -> HttpResponse:
    version = program.current_version
    if version is None:
        raise Http404
    audit_patient_access(
        request, patient_id=program.patient_id, kind=AccessKind.PROGRAM, ref=program.pk
    )
    context = {
        "program": program,
        "version": version,
        "items": portal.version_items(version),
    }
    return render(request, "programs/program_print.html", context)


@require_GET
@role_required(Role.RUNNER)
def my_program_print(request: HttpRequest) -> HttpResponse:
    """The runner's current program on one printable page."""
    program = get_runner_program(request)
    if program is None:
        raise Http404
    return _print(request, program)


# --- Therapist: prescribing --------------------------------------------------------------------


@require_GET
@role_required(Role.THERAPIST)
def program_list(request: HttpRequest) -> HttpResponse:
    """Programs of the therapist's patients, searchable by runner's name."""
    programs = Program.objects.visible_to(request.user).order_by(
        "patient__last_name", "patient__first_name", "-pk"
    )
    q = request.GET.get("q", "").strip()
    if q:
        programs = programs.filter(patient__last_name__icontains=q) | programs.filter(
            patient__first_name__icontains=q
        )
    page = Paginator(programs, 25).get_page(request.GET.get("page"))
    context = {"page": page, "q": q}
    return render(request, "programs/program_list.html", context)


@require_GET
@role_required(Role.THERAPIST)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Runners who need a look: nothing logged for 7 days, pain rule broken, suggestion waiting."""
    rows = portal.therapist_dashboard(request.user, today=timezone.localdate())
    return render(request, "programs/dashboard.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def create_program(request: HttpRequest) -> HttpResponse:
    """Prescribe a program from a template or blank."""
    form = forms.ProgramCreateForm(request.POST or None, therapist=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["template"]:
                program = services.program_create_from_template(
                    patient=data["patient"],
                    therapist=request.user,
                    template=data["template"],
                    tissue=data["tissue"],
                    title=data["title"],
                    evaluation=data["evaluation"],
                )
            else:
                program = services.program_create_blank(
                    patient=data["patient"],
                    therapist=request.user,
                    title=data["title"],
                    tissue=data["tissue"] or "soft_tissue",
                    evaluation=data["evaluation"],
                )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Draft program created. Edit it, then publish.")
            return redirect("programs:detail", pk=program.pk)
    status = 400 if form.errors else 200
    return render(request, "programs/program_create.html", {"form": form}, status=status)


def _detail_context(program: Program, **forms_) -> dict:
    items = list(program.items.select_related("exercise").order_by("phase", "order", "id"))
    suggestions = program.suggestions.filter(status=SuggestionStatus.PENDING).select_related(
        "item__exercise"
    )
    working = [snapshot_item(item, n) for n, item in enumerate(items)]
    unpublished = (
        diff_items(
            program.current_version.items,
            working,
            old_phase=program.current_version.phase,
            new_phase=program.current_phase,
        )
        if program.current_version
        else []
    )
    return {
        "program": program,
        "items": items,
        "phases": sorted({i.phase for i in items}),
        "suggestions": suggestions,
        "versions": program.versions.select_related("published_by"),
        "unpublished": unpublished,
        "settings_form": forms_.get("settings_form")
        or forms.ProgramSettingsForm(
            initial={
                "title": program.title,
                "tissue": program.tissue,
                "baseline_pain": program.baseline_pain,
                "current_phase": program.current_phase,
                "walk_run_stage": program.walk_run_stage,
            }
        ),
        "add_form": forms_.get("add_form")
        or forms.ItemAddForm(initial={"phase": program.current_phase}),
        "publish_form": forms_.get("publish_form") or forms.PublishForm(),
        "publish_errors": forms_.get("publish_errors", []),
    }


@require_GET
@role_required(Role.THERAPIST)
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The program's working copy: settings, items, suggestions and versions."""
    program = get_program_for_user(request, pk)
    audit_patient_access(request, patient_id=program.patient_id, kind=AccessKind.PROGRAM, ref=pk)
    return render(request, "programs/program_detail.html", _detail_context(program))


def _detail_error(request, program, **forms_) -> HttpResponse:
    context = _detail_context(program, **forms_)
    return render(request, "programs/program_detail.html", context, status=400)


@require_POST
@role_required(Role.THERAPIST)
def program_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the program's title, pain rule, usual pain, phase and walk-run stage."""
    program = get_program_for_user(request, pk)
    form = forms.ProgramSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.program_update(program=program, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Settings saved; publish to show them to the runner.")
            return redirect("programs:detail", pk=program.pk)
    return _detail_error(request, program, settings_form=form)


@require_POST
@role_required(Role.THERAPIST)
def item_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a library exercise to the program with its default dosage."""
    program = get_program_for_user(request, pk)
    form = forms.ItemAddForm(request.POST)
    if form.is_valid():
        item = services.program_item_add(
            program=program,
            exercise=form.cleaned_data["exercise"],
            phase=form.cleaned_data["phase"],
        )
        messages.success(request, f"Added {item.exercise.name}.")
        return redirect("programs:detail", pk=program.pk)
    return _detail_error(request, program, add_form=form)


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Edit an item's dosage, side, notes and phase."""
    program = get_program_for_user(request, pk)
    item = get_item_for_user(request, program, item_pk)
    form = forms.ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_item_update(
                item=ProgramItem.objects.get(pk=item.pk), **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{item.exercise.name} updated.")
            return redirect("programs:detail", pk=program.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "programs/item_edit.html",
        {"program": program, "item": item, "form": form},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Remove an item from the working copy, after confirmation."""
    program = get_program_for_user(request, pk)
    item = get_item_for_user(request, program, item_pk)
    if request.method == "POST":
        services.program_item_remove(item=item)
        messages.success(request, f"Removed {item.exercise.name}; publish to show the runner.")
        return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/item_confirm_delete.html", {"program": program, "item": item})


@require_POST
@role_required(Role.THERAPIST)
def item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    """Move an item up or down within its phase."""
    program = get_program_for_user(request, pk)
    item = get_item_for_user(request, program, item_pk)
    try:
        services.program_item_move(item=item, direction=request.POST.get("direction", ""))
    except ValidationError:
        return HttpResponse("Move up or down.", status=400)
    return redirect("programs:detail", pk=program.pk)


@require_POST
@role_required(Role.THERAPIST)
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish the working copy as a new version."""
    program = get_program_for_user(request, pk)
    form = forms.PublishForm(request.POST)
    if form.is_valid():
        try:
            version = services.program_publish(
                program=program, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            errors = [m for ms in error.message_dict.values() for m in ms]
            return _detail_error(request, program, publish_form=form, publish_errors=errors)
        messages.success(request, f"Version {version.number} published; the runner sees it now.")
        return redirect("programs:detail", pk=program.pk)
    return _detail_error(request, program, publish_form=form)


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def end_program(request: HttpRequest, pk: int) -> HttpResponse:
    """End an active program, after confirmation."""
    program = get_program_for_user(request, pk)
    if program.status != ProgramStatus.ACTIVE:
        raise Http404
    if request.method == "POST":
        services.program_end(program=program)
        messages.success(request, "Program ended.")
        return redirect("programs:detail", pk=program.pk)
    return render(request, "programs/program_confirm_end.html", {"program": program})


@require_GET
@role_required(Role.THERAPIST)
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    """One published version with what changed since the one before."""
    program = get_program_for_user(request, pk)
    version = get_object_or_404(program.versions.select_related("published_by"), number=number)
    audit_patient_access(
        request, patient_id=program.patient_id, kind=AccessKind.PROGRAM_VERSION, ref=version.pk
    )
    previous = program.versions.filter(number=number - 1).first()
    context = {
        "program": program,
        "version": version,
        "previous": previous,
        "items": portal.version_items(version, phase_only=False),
        "changes": version.changes,
    }
    return render(request, "programs/version_detail.html", context)


@require_GET
@role_required(Role.THERAPIST)
def program_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The program's current version on one printable page."""
    return _print(request, get_program_for_user(request, pk))


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


# --- Exercise library (therapists and managers) -------------------------------------------


@require_GET
@role_required(Role.THERAPIST, Role.MANAGER)
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
@role_required(Role.THERAPIST, Role.MANAGER)
def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One exercise with its instructions, cues, dosage and links."""
    exercise = get_object_or_404(
        Exercise.objects.select_related("progression", "regression"), slug=slug
    )
    context = {"exercise": exercise, "dose": dose_text(exercise.default_dosage)}
    return render(request, "programs/exercise_detail.html", context)
