"""Chart pages: the patients a clinician may open, and one patient's chart of records."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments.forms import DischargeForm, GaitCompareForm, ScheduleForm
from assessments.interface import chart_programs
from assessments.loaders import get_patient_for_notes
from assessments.models import Evaluation, OutcomeResult
from assessments.proms import INSTRUMENTS
from assessments.selectors import schedule_plan
from assessments.selectors_chart import (
    TIMELINE_ALL,
    TIMELINE_KINDS,
    TIMELINE_SHOWN,
    chart_screenings,
    chart_summary,
    chart_timeline,
    chart_visits,
    drafts_by_visit,
    next_visit_annotations,
    safety_holds,
    unacknowledged_screenings,
)
from assessments.views.screening import result_view
from dangpt.audit import audit_patient_list
from dangpt.models import AccessKind
from dangpt.pagination import CappedPaginator
from dangpt.roles import CLINICIAN_ROLES, role_required
from patients.models import Patient

PAGE_SIZE = 25
LIST_CAP = 1_000  # matches counted; past that the pager reads "of 40+"
RESULTS_SHOWN = 20  # the outcome table


@require_GET
@role_required(*CLINICIAN_ROLES)
def patient_list(request: HttpRequest) -> HttpResponse:
    """Patients to open a chart for, searchable by name."""
    query = request.GET.get("q", "").strip()
    # The count is a subquery per row shown, not a GROUP BY over every patient: the name index
    # then serves the page in order, and the pager counts at most LIST_CAP matches.
    counted = (
        Evaluation.objects.filter(patient=OuterRef("pk"))
        .order_by()
        .values("patient")
        .annotate(n=Count("*"))
        .values("n")
    )
    patients = Patient.objects.visible_to(request.user).annotate(
        evaluation_count=Coalesce(Subquery(counted), 0)
    )
    if query:
        patients = patients.filter(Q(first_name__icontains=query) | Q(last_name__icontains=query))
    paginator = CappedPaginator(
        patients.order_by("last_name", "first_name", "id"), PAGE_SIZE, cap=LIST_CAP
    )
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    shown = ((p.pk, p.pk) for p in page.object_list)
    audit_patient_list(request, kind=AccessKind.PATIENT_LIST, shown=shown)
    return render(request, "assessments/chart_list.html", {"page": page, "q": query})


@require_GET
@role_required(*CLINICIAN_ROLES)
def patient_chart(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A patient's summary header and timeline, then their notes, gait analyses, files, measure
    schedules and outcome results.

    The timeline shows the newest TIMELINE_SHOWN records of every kind; ``?timeline=all`` or
    ``?kind=<kind>`` shows up to TIMELINE_ALL (per kind). The queries are the same either way.
    """
    # The measures with results come with the patient (a subquery), not by loading every result.
    measured = (
        OutcomeResult.objects.filter(patient=OuterRef("pk"))
        .order_by("instrument")
        .values("instrument")
        .distinct()
    )
    patient = get_patient_for_notes(
        request,
        patient_id,
        kind=AccessKind.CHART,
        related=("referring_provider", "running_profile"),
        instruments=ArraySubquery(measured),
        **next_visit_annotations(),
    )
    kind = request.GET.get("kind", "")
    if kind not in TIMELINE_KINDS:
        kind = ""
    show_all = bool(kind) or request.GET.get("timeline") == "all"
    limit = TIMELINE_ALL if show_all else TIMELINE_SHOWN
    schedules = list(patient.prom_schedules.all())
    results = list(
        OutcomeResult.objects.filter(patient=patient)
        .select_related("collected_by")
        .order_by("-taken_at", "-id")[: max(RESULTS_SHOWN, limit)]
    )
    gait_analyses = list(patient.gait_analyses.select_related("therapist"))
    evaluations = list(patient.evaluations.select_related("therapist", "signed_by"))
    screenings = chart_screenings(patient, limit=limit)
    programs = chart_programs(patient=patient, limit=limit)
    unacknowledged = unacknowledged_screenings(patient)
    summary = chart_summary(
        patient,
        evaluations=evaluations,
        screenings=screenings,
        results=results,
        programs=programs,
        result_view=result_view,
        unacknowledged=unacknowledged,
        holds=safety_holds(patient_id=patient.pk, unacknowledged=unacknowledged),
    )
    drafts = drafts_by_visit(evaluations, author=request.user)
    timeline = chart_timeline(
        evaluations=evaluations,
        gait_analyses=gait_analyses,
        results=results,
        screenings=screenings,
        visits=chart_visits(patient, limit=limit),
        programs=programs,
        kind=kind,
        limit=limit,
        drafts=drafts,
    )
    context = {
        "patient": patient,
        "summary": summary,
        "timeline": timeline,
        "next_visit_draft": drafts.get(summary.next_visit_id),
        "timeline_kinds": TIMELINE_KINDS.items(),
        "timeline_kind": kind,
        "timeline_all": show_all,
        "timeline_more": not show_all and len(timeline) >= limit,
        "evaluations": evaluations,
        "gait_analyses": gait_analyses,
        "attachments": patient.attachments.select_related("evaluation", "gait_analysis")[:5],
        "schedules": [(s, schedule_plan(s)) for s in schedules],
        "results": results[:RESULTS_SHOWN],
        "instruments": [(code, INSTRUMENTS[code].name) for code in patient.instruments],
        "all_instruments": [
            (code, INSTRUMENTS[code].button_label)
            for code in sorted(INSTRUMENTS)
            if not INSTRUMENTS[code].retired
        ],
        "schedule_form": ScheduleForm(),
        "discharge_form": DischargeForm(),
        # The compare choices are the analyses listed above (same order): no query of their own.
        "compare_form": GaitCompareForm(patient=patient, analyses=gait_analyses),
    }
    return render(request, "assessments/chart_detail.html", context)
