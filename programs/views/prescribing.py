"""The therapist's pages for prescribing: list, dashboard, a program's working copy, versions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import safety
from dangpt.audit import audit_patient_list
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.pagination import CappedPaginator
from dangpt.roles import Role, role_required
from programs import forms, selectors, services
from programs.models import Program, ProgramItem, ProgramStatus, SuggestionStatus, TemplateKind
from programs.portal.items import version_items
from programs.rules import walkrun
from programs.selectors import get_item_for_user, get_program_for_user
from programs.versions import diff_items, snapshot_item

LIST_CAP = 1_000  # programs counted; past that the pager reads "of 40+"


@require_GET
@role_required(Role.THERAPIST)
def program_list(request: HttpRequest) -> HttpResponse:
    """Programs of the therapist's patients, searchable by runner's name."""
    programs = Program.objects.visible_to(request.user).order_by(
        "patient__last_name", "patient__first_name", "patient_id", "-pk"
    )
    q = request.GET.get("q", "").strip()
    if q:
        programs = programs.filter(
            Q(patient__last_name__icontains=q) | Q(patient__first_name__icontains=q)
        )
    page = CappedPaginator(programs, 25, cap=LIST_CAP).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    shown = ((p.patient_id, p.pk) for p in page.object_list)
    audit_patient_list(request, kind=AccessKind.PROGRAM_LIST, shown=shown)
    context = {"page": page, "q": q}
    return render(request, "programs/program_list.html", context)


@require_GET
@role_required(Role.THERAPIST)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Runners who need a look: nothing logged for 7 days, pain rule broken, suggestion waiting."""
    rows = selectors.therapist_dashboard(request.user, today=timezone.localdate())
    shown = ((row.program.patient_id, row.program.pk) for row in rows)
    audit_patient_list(request, kind=AccessKind.PROGRAM_LIST, shown=shown)
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
            add_service_errors(error, form)
        else:
            messages.success(request, "Draft program created. Edit it, then publish.")
            return redirect("programs:detail", pk=program.pk)
    status = 400 if form.errors else 200
    return render(request, "programs/program_create.html", {"form": form}, status=status)


def _walk_run_check(program: Program) -> dict | None:
    """For a walk-run plan: the stage-0 prerequisites of its pain rule, and what blocks running."""
    if program.walk_run_stage is None:
        return None
    prerequisites = walkrun.prerequisites(tissue=program.tissue)
    template = program.template
    if template is not None and template.kind == TemplateKind.WALK_RUN and template.phases:
        rule = "bone" if program.tissue == "bone" else "soft_tissue"
        prerequisites = template.phases[0].get("prerequisites", {}).get(rule) or prerequisites
    blocked = safety.loading_blocks(patient_id=program.patient_id).get(safety.LoadingKind.RUNNING)
    return {"prerequisites": prerequisites, "blocked": blocked}


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
        "walk_run_check": _walk_run_check(program),
    }


@require_GET
@role_required(Role.THERAPIST)
def program_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The program's working copy: settings, items, suggestions and versions."""
    program = selectors.read_program_for_user(request, pk)
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
            add_service_errors(error, form)
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
    item = get_item_for_user(program, item_pk)
    form = forms.ItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.program_item_update(
                item=ProgramItem.objects.get(pk=item.pk), **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(error, form)
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
    item = get_item_for_user(program, item_pk)
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
    item = get_item_for_user(program, item_pk)
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
    version = selectors.read_version_for_user(request, pk, number)
    program = version.program
    previous = program.versions.filter(number=number - 1).first()
    context = {
        "program": program,
        "version": version,
        "previous": previous,
        "items": version_items(version, phase_only=False),
        "changes": version.changes,
    }
    return render(request, "programs/version_detail.html", context)
