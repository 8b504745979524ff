"""Reads of the chart's summary header and timeline, and of a new note's starting point.

Everything here is built from rows the chart view already loads (notes, gait analyses, results)
plus a fixed number of capped queries (screenings, visits, programs), so the chart costs the same
queries at 1 record as at 500.
"""

import datetime as dt
from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.models import Evaluation, Screening
from assessments.safety import LOADING_WORDS, LoadingKind, loading_blocks
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
class SafetyHold:
    """Loading the safety gate blocks now for one reason (assessments.safety)."""

    reason: str
    blocks: tuple[str, ...]  # the kinds of loading, in words


def unacknowledged_screenings(patient) -> list[Screening]:
    """Every screening of the patient that suggests referral or a bone stress injury and that no
    therapist has acknowledged yet, newest first (one query)."""
    return list(
        Screening.objects.filter(patient=patient)
        .needing_acknowledgement()
        .order_by("-created_at", "-id")
    )


def safety_holds(*, patient_id: int, unacknowledged: list[Screening] | None = None):
    """What the safety gate blocks for this patient now, grouped by reason (a few queries,
    whatever the patient's records): unacknowledged red flags, a possible Achilles rupture or DVT
    not excluded, a bone stress injury not cleared."""
    grouped: dict[str, list[str]] = {}
    blocks = loading_blocks(patient_id=patient_id, unacknowledged=unacknowledged)
    for kind, reason in blocks.items():
        grouped.setdefault(reason, []).append(LOADING_WORDS[LoadingKind(kind)])
    return [SafetyHold(reason, tuple(words)) for reason, words in grouped.items()]


@dataclass(frozen=True)
class UnacknowledgedScreening:
    screening: Screening
    urgency: str  # "Same-day" etc., "" without one
    red_flags: list  # result_view's flags: urgency_label, message, action
    bsi_message: str


@dataclass(frozen=True)
class ChartSummary:
    age: int
    sex: str
    address: str
    previous_injuries: str
    working_diagnosis: str
    diagnosis_from: Evaluation | None  # the latest signed note with a working diagnosis
    draft_diagnosis: Evaluation | None  # a newer draft note's working diagnosis
    screening: Screening | None
    # Every other screening whose red flags are still unacknowledged, newest first.
    earlier_unacknowledged: list[UnacknowledgedScreening]
    red_flags: list
    bsi_message: str
    holds: list[SafetyHold]
    program: object | None  # assessments.interface.ChartProgram
    next_visit: str
    next_visit_id: int | None
    next_visit_startable: bool  # today's or past: a note can be started from it
    latest_outcome: object | None  # OutcomeResult
    latest_outcome_on: str

    @property
    def alert(self) -> bool:
        """Anything for the red alert: this screening's flags, others unacknowledged, holds."""
        return bool(self.red_flags or self.bsi_message or self.earlier_unacknowledged or self.holds)


def chart_summary(
    patient,
    *,
    evaluations,
    screenings,
    results,
    programs,
    result_view,
    unacknowledged=(),
    holds=(),
) -> ChartSummary:
    """The chart's header from the rows already loaded (newest first) and the patient's row
    (annotated with ``next_visit_annotations``, the running profile joined).

    ``unacknowledged``: ``unacknowledged_screenings``; ``holds``: ``safety_holds``."""
    profile = getattr(patient, "running_profile", None)
    diagnosed = next((e for e in evaluations if e.is_signed and e.working_diagnosis), None)
    draft = next((e for e in evaluations if e.working_diagnosis), None)
    if draft is diagnosed or (draft is not None and draft.is_signed):
        draft = None
    screening = screenings[0] if screenings else None
    flags = result_view(screening.result or {}) if screening else {}
    active = next((p for p in programs if p.status == "active"), None)
    next_visit = ""
    startable = False
    if getattr(patient, "next_visit_start", None):
        zone = ZoneInfo(patient.next_visit_zone)
        next_visit = (
            f"{_when(patient.next_visit_start, 'weekday_time', zone)} · {patient.next_visit_type}"
        )
        local_day = timezone.localtime(patient.next_visit_start, zone).date()
        startable = local_day <= timezone.localdate()
    latest = next((r for r in results if r.complete), results[0] if results else None)
    earlier = []
    for other in unacknowledged:
        if screening is not None and other.pk == screening.pk:
            continue
        view = result_view(other.result or {})
        earlier.append(
            UnacknowledgedScreening(
                screening=other,
                urgency=view.get("urgency_label", ""),
                red_flags=view.get("red_flags", []),
                bsi_message=view.get("bsi_message", ""),
            )
        )
    return ChartSummary(
        age=age_on(patient.date_of_birth, timezone.localdate()),
        sex=patient.get_sex_display(),
        address=_address_line(patient.address),
        previous_injuries=profile.previous_injuries if profile else "",
        working_diagnosis=diagnosed.get_working_diagnosis_display() if diagnosed else "",
        diagnosis_from=diagnosed,
        draft_diagnosis=draft,
        screening=screening,
        earlier_unacknowledged=earlier,
        red_flags=flags.get("red_flags", []) if flags.get("disposition") == "refer" else [],
        bsi_message=flags.get("bsi_message", ""),
        holds=list(holds),
        program=active,
        next_visit=next_visit,
        next_visit_id=getattr(patient, "next_visit_id", None),
        next_visit_startable=startable,
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
        # A note records a visit that happened: today's or a past one, never cancelled or missed.
        visit_id=None
        if visit.status in ("cancelled", "no_show")
        or timezone.localtime(visit.start, zone).date() > timezone.localdate()
        else visit.pk,
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
