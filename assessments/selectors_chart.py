"""Reads of the chart's summary header and timeline, and of a new note's starting point.

Everything here is built from rows the chart view already loads (notes, gait analyses, results)
plus a fixed number of capped queries (screenings, visits, programs), so the chart costs the same
queries at 1 record as at 500.
"""

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Evaluation, EvaluationKind, EvaluationStatus, Screening
from assessments.note_fields import stored_exam
from assessments.record import screening_answer_rows
from assessments.screening.questions import QUESTIONS_BY_KEY
from dangpt import staff_units
from dangpt.conditions import Diagnosis
from dangpt.dates import format_for
from patients.models import Appointment

TIMELINE_SHOWN = 15  # entries on the chart by default
TIMELINE_ALL = 200  # per kind with "Show all" or a kind filter
TIMELINE_KINDS = {
    "visits": "Visits",
    "screenings": "Screenings",
    "notes": "Notes",
    "gait": "Gait analyses",
    "outcomes": "Outcome measures",
    "programs": "Home programs",
}
# One entry's kind, in the singular.
TIMELINE_KIND_LABELS = {
    "visits": "Visit",
    "screenings": "Screening",
    "notes": "Note",
    "gait": "Gait analysis",
    "outcomes": "Outcome measure",
    "programs": "Home program",
}
UPCOMING = ("booked", "confirmed")
DIAGNOSIS_NAMES = dict(Diagnosis.choices)


def _when(value: dt.datetime | dt.date, name: str = "datetime", zone: ZoneInfo | None = None):
    """A date, or a datetime in ``zone`` (else the clinic's), in the shown US format."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value, zone)
    return date_format(value, format_for(name))


def _end_of_day(day: dt.date) -> dt.datetime:
    """A dated record sorts after the timed records of its day."""
    return dt.datetime.combine(day, dt.time(23, 59), tzinfo=timezone.get_current_timezone())


def age_on(birth: dt.date, today: dt.date) -> int:
    """Whole years from a date of birth to a day."""
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


# --- Summary header ----------------------------------------------------------------------------


def next_visit_annotations() -> dict:
    """Annotations of the patient row with their next booked visit (no query of its own)."""
    upcoming = Appointment.objects.filter(
        patient=OuterRef("pk"), status__in=UPCOMING, start__gte=timezone.now()
    ).order_by("start", "id")
    return {
        "next_visit_id": Subquery(upcoming.values("pk")[:1]),
        "next_visit_start": Subquery(upcoming.values("start")[:1]),
        "next_visit_zone": Subquery(upcoming.values("location__time_zone")[:1]),
        "next_visit_type": Subquery(upcoming.values("appointment_type__name")[:1]),
    }


def _address_line(address: str) -> str:
    """The intake's free-text address on one line."""
    return ", ".join(part.strip() for part in address.splitlines() if part.strip())


@dataclass(frozen=True)
class ChartSummary:
    age: int
    sex: str
    address: str
    previous_injuries: str
    working_diagnosis: str
    diagnosis_from: Evaluation | None
    screening: Screening | None
    earlier_unacknowledged: Screening | None  # an older screening's red flags still unseen
    red_flags: list
    bsi_message: str
    program: object | None  # assessments.interface.ChartProgram
    next_visit: str
    next_visit_id: int | None
    latest_outcome: object | None  # OutcomeResult
    latest_outcome_on: str


def chart_summary(
    patient, *, evaluations, screenings, results, programs, result_view
) -> ChartSummary:
    """The chart's header from the rows already loaded (newest first) and the patient's row
    (annotated with ``next_visit_annotations``, the running profile joined)."""
    profile = getattr(patient, "running_profile", None)
    diagnosed = next((e for e in evaluations if e.working_diagnosis), None)
    screening = screenings[0] if screenings else None
    flags = result_view(screening.result or {}) if screening else {}
    active = next((p for p in programs if p.status == "active"), None)
    next_visit = ""
    if getattr(patient, "next_visit_start", None):
        zone = ZoneInfo(patient.next_visit_zone)
        next_visit = (
            f"{_when(patient.next_visit_start, 'weekday_time', zone)} · {patient.next_visit_type}"
        )
    latest = results[0] if results else None
    return ChartSummary(
        age=age_on(patient.date_of_birth, timezone.localdate()),
        sex=patient.get_sex_display(),
        address=_address_line(patient.address),
        previous_injuries=profile.previous_injuries if profile else "",
        working_diagnosis=diagnosed.get_working_diagnosis_display() if diagnosed else "",
        diagnosis_from=diagnosed,
        screening=screening,
        earlier_unacknowledged=next((s for s in screenings[1:] if s.needs_acknowledgement), None),
        red_flags=flags.get("red_flags", []) if flags.get("disposition") == "refer" else [],
        bsi_message=flags.get("bsi_message", ""),
        program=active,
        next_visit=next_visit,
        next_visit_id=getattr(patient, "next_visit_id", None),
        latest_outcome=latest,
        latest_outcome_on=_when(latest.taken_at, "date") if latest else "",
    )


# --- Timeline ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    when: str
    kind: str
    title: str
    detail: str
    url: str
    visit_id: int | None = None  # a visit a note may be written for
    draft_id: int | None = None  # the reader's draft note of that visit

    @property
    def kind_label(self) -> str:
        return TIMELINE_KIND_LABELS[self.kind]


def chart_screenings(patient, *, limit: int) -> list[Screening]:
    """The patient's screenings, newest first (one query)."""
    return list(patient.screenings.order_by("-created_at", "-id")[:limit])


def chart_visits(patient, *, limit: int) -> list[Appointment]:
    """The patient's visits, latest start first, with type and location (one query)."""
    return list(
        patient.appointments.select_related("appointment_type", "location").order_by(
            "-start", "-id"
        )[:limit]
    )


def _screening_entry(screening: Screening) -> TimelineEntry:
    top = screening.top_condition
    detail = [screening.get_source_display()]
    if screening.disposition == "refer":
        detail.append("red flags: consider referral")
    elif top:
        detail.append(f"top pattern: {DIAGNOSIS_NAMES.get(top, 'unnamed')}")
    return TimelineEntry(
        at=screening.created_at,
        when=_when(screening.created_at),
        kind="screenings",
        title="Symptom screening",
        detail=" · ".join(detail),
        url=reverse("assessments:screening_detail", args=[screening.pk]),
    )


def _note_entry(evaluation: Evaluation) -> TimelineEntry:
    detail = [evaluation.get_status_display()]
    if evaluation.working_diagnosis:
        detail.append(evaluation.get_working_diagnosis_display())
    return TimelineEntry(
        at=_end_of_day(evaluation.evaluated_on),
        when=_when(evaluation.evaluated_on, "date"),
        kind="notes",
        title=evaluation.get_kind_display(),
        detail=" · ".join(detail),
        url=reverse("assessments:evaluation_detail", args=[evaluation.pk]),
    )


def _gait_entry(gait) -> TimelineEntry:
    return TimelineEntry(
        at=_end_of_day(gait.recorded_on),
        when=_when(gait.recorded_on, "date"),
        kind="gait",
        title="Gait analysis",
        detail=f"{gait.get_surface_display()} · {staff_units.speed_text(gait.speed_kmh)}",
        url=reverse("assessments:gait_detail", args=[gait.pk]),
    )


def _outcome_entry(result) -> TimelineEntry:
    score = "—" if result.score is None else f"{result.score:g}"
    detail = f"{score} / {result.max_score}" + ("" if result.complete else " (incomplete)")
    return TimelineEntry(
        at=result.taken_at,
        when=_when(result.taken_at),
        kind="outcomes",
        title=result.instrument_name,
        detail=detail,
        url=reverse("assessments:outcome_history", args=[result.pk]),
    )


def _program_entry(program) -> TimelineEntry:
    detail = [program.status_label]
    if program.condition:
        detail.append(program.condition)
    return TimelineEntry(
        at=program.since,
        when=_when(program.since, "date"),
        kind="programs",
        title=f"Home program: {program.title}",
        detail=" · ".join(detail),
        url=program.url,
    )


def _visit_entry(visit: Appointment) -> TimelineEntry:
    zone = ZoneInfo(visit.location.time_zone)
    return TimelineEntry(
        at=visit.start,
        when=_when(visit.start, "datetime", zone),
        kind="visits",
        title=f"Visit: {visit.appointment_type.name}",
        detail=f"{visit.get_status_display()} · {visit.location.name}",
        url=reverse("patients:appointment", args=[visit.pk]),
        visit_id=None if visit.status in ("cancelled", "no_show") else visit.pk,
    )


def chart_timeline(
    *,
    evaluations,
    gait_analyses,
    results,
    screenings,
    visits,
    programs,
    kind: str,
    limit: int,
    drafts: dict[int, int] | None = None,
) -> list[TimelineEntry]:
    """Every kind of record, newest first, at most ``limit`` (of one kind when ``kind``).

    ``drafts`` maps a visit to the reader's draft note of it (the visit then offers "Continue
    note" rather than "Start note")."""
    sources = {
        "visits": (_visit_entry, visits),
        "screenings": (_screening_entry, screenings),
        "notes": (_note_entry, evaluations),
        "gait": (_gait_entry, gait_analyses),
        "outcomes": (_outcome_entry, results),
        "programs": (_program_entry, programs),
    }
    entries = [
        make(row)
        for name, (make, rows) in sources.items()
        if not kind or name == kind
        for row in list(rows)[:limit]
    ]
    entries.sort(key=lambda entry: entry.at, reverse=True)
    drafts = drafts or {}
    return [
        replace(entry, draft_id=drafts.get(entry.visit_id)) if entry.visit_id else entry
        for entry in entries[:limit]
    ]


def drafts_by_visit(evaluations, *, author) -> dict[int, int]:
    """The author's draft notes among ``evaluations`` (already loaded), by visit."""
    return {
        e.appointment_id: e.pk
        for e in evaluations
        if e.appointment_id and not e.is_signed and e.therapist_id == author.pk
    }


# --- A new note's starting point --------------------------------------------------------------
# Answers that make the history of a note, in this order; pain answers read "n / 10".
HISTORY_KEYS = (
    "regions",
    "side",
    "onset",
    "duration_weeks",
    "pain_now",
    "pain_worst_24h",
    "pain_running",
    "timing",
    "aggravators",
)
PAIN_KEYS = {"pain_now", "pain_worst_24h", "pain_running"}


@dataclass(frozen=True)
class NoteStart:
    """What a new note starts from."""

    kind: str  # initial until a signed initial evaluation exists, then follow-up
    screening: Screening | None  # the patient's latest
    latest_note: Evaluation | None
    exam: dict  # the latest note's structured exam (stored shape), {} without one
    running_profile: dict  # the latest note's running profile, {} without one


def note_start(*, patient) -> NoteStart:
    """The latest screening, the latest note (with whether a signed initial evaluation exists)
    and the kind of note to write (two queries)."""
    signed_initial = Evaluation.objects.filter(
        patient=OuterRef("patient_id"),
        kind=EvaluationKind.INITIAL,
        status=EvaluationStatus.SIGNED,
    )
    latest = (
        Evaluation.objects.filter(patient=patient)
        .annotate(has_signed_initial=Exists(signed_initial))
        .order_by("-evaluated_on", "-id")
        .first()
    )
    screening = patient.screenings.order_by("-created_at", "-id").first()
    return NoteStart(
        kind=EvaluationKind.FOLLOW_UP
        if latest is not None and latest.has_signed_initial
        else EvaluationKind.INITIAL,
        screening=screening,
        latest_note=latest,
        exam=stored_exam(latest.exam) if latest else {},
        running_profile=dict(latest.running_profile or {}) if latest else {},
    )


def screening_history(screening: Screening) -> str:
    """The history (subjective) a note starts with: the screening's answers that describe the
    complaint (area, side, onset, duration, pain, timing, aggravators), in words."""
    answers = screening.answers or {}
    labels = {QUESTIONS_BY_KEY[key]["label"]: key for key in HISTORY_KEYS}
    lines = [f"From the symptom screening of {_when(screening.created_at, 'date')}:"]
    for row in screening_answer_rows({k: answers[k] for k in HISTORY_KEYS if k in answers}):
        key = labels.get(row["question"])
        answer = f"{row['answer']} / 10" if key in PAIN_KEYS else row["answer"]
        lines.append(f"- {row['question']} {answer}")
    return "\n".join(lines) if len(lines) > 1 else ""


def visit_for_note(*, patient, appointment_id: str, therapist) -> Appointment | None:
    """The patient's visit a note is started from, with the therapist's draft note of it as
    ``draft_note_id`` (one query); None when the id is not one of the patient's visits."""
    try:
        pk = int(appointment_id)
    except (TypeError, ValueError):
        return None
    drafts = Evaluation.objects.filter(
        appointment=OuterRef("pk"), therapist=therapist, status=EvaluationStatus.DRAFT
    ).order_by("-id")
    return (
        patient.appointments.select_related("appointment_type", "location")
        .annotate(draft_note_id=Subquery(drafts.values("pk")[:1]))
        .filter(pk=pk)
        .first()
    )


def visit_day(appointment: Appointment) -> dt.date:
    """The visit's calendar day where it takes place."""
    return timezone.localtime(appointment.start, ZoneInfo(appointment.location.time_zone)).date()
