"""Reads of a new note's starting point: the kind, the latest screening (its red flags before its
patterns), the history in words and the earlier exam as hints.

What carries forward comes from SIGNED notes only: a draft (the reader's or a colleague's) is not
a record yet. Earlier measurements are hints next to empty inputs, never values of today's exam.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Subquery
from django.utils import timezone

from assessments import exam as exam_fields
from assessments.models import Evaluation, EvaluationKind, EvaluationStatus, Screening
from assessments.note_fields import stored_exam
from assessments.record import screening_answer_rows
from assessments.screening.questions import QUESTIONS_BY_KEY
from assessments.selectors_chart import _when
from patients.models import Appointment, VisitKind

# Answers that make the history of a note, in question order; pain answers read "n / 10". The
# red-flag and bone-stress-risk answers come along, so the note keeps what the triage read.
HISTORY_KEYS = (
    "regions",
    "side",
    "onset",
    "onset_pop",
    "weak_push_off",
    "duration_weeks",
    "pain_now",
    "pain_worst_24h",
    "pain_running",
    "timing",  # "at night" is a red flag's answer
    "aggravators",
    "focal_bone_tenderness",
    "swelling",
    "calf_swelling_warmth",
    "fever_or_unwell",
    "unexplained_weight_loss",
    "history_of_cancer",
    "unable_to_bear_weight",
    "limp",
    "numbness_tingling",
    "foot_cold_pale_or_weak",
    "inflammatory_features",
    "recent_fluoroquinolone",
    "recent_load_increase",
    "previous_bone_stress_injury",
    "bone_stress_injuries_2y",
    "bone_stress_injury_hip_pelvis_2y",
    "missed_periods_3_months",
    "periods_never_started_by_15",
    "low_libido_or_morning_erections",
    "restrictive_eating_or_weight_loss",
)
PAIN_KEYS = {"pain_now", "pain_worst_24h", "pain_running"}


@dataclass(frozen=True)
class NoteStart:
    """What a new note starts from."""

    kind: str  # initial until a signed initial evaluation exists, then follow-up
    screening: Screening | None  # the patient's latest
    # The latest screening when it is newer than the latest signed note: its answers are the
    # history; an older one was already read into that note.
    history_screening: Screening | None
    latest_note: Evaluation | None  # the latest SIGNED note
    exam: dict  # the latest signed note's structured exam (stored shape), {} without one
    running_profile: dict  # the latest signed note's running profile, {} without one


def note_start(*, patient, visit: Appointment | None = None) -> NoteStart:
    """The latest screening, the latest signed note (with whether a signed initial evaluation
    exists) and the kind of note to write (two queries).

    Started from a visit: only screenings up to the end of the visit's day count (a note of
    Nov 19 is not written from a screening of Dec 4), and a new-patient visit is an initial
    evaluation whatever came before (a new injury starts a new course of care)."""
    signed = Evaluation.objects.filter(status=EvaluationStatus.SIGNED)
    signed_initial = signed.filter(patient=OuterRef("patient_id"), kind=EvaluationKind.INITIAL)
    latest = (
        signed.filter(patient=patient)
        .annotate(has_signed_initial=Exists(signed_initial))
        .order_by("-evaluated_on", "-id")
        .first()
    )
    screenings = patient.screenings.select_related("acknowledged_by")
    if visit is not None:
        zone = ZoneInfo(visit.location.time_zone)
        next_day = dt.datetime.combine(visit_day(visit) + dt.timedelta(days=1), dt.time(), zone)
        screenings = screenings.filter(created_at__lt=next_day)
    screening = screenings.order_by("-created_at", "-id").first()
    newer = screening is not None and (
        latest is None or timezone.localdate(screening.created_at) > latest.evaluated_on
    )
    new_patient = visit is not None and visit.appointment_type.visit_kind == VisitKind.NEW_PATIENT
    return NoteStart(
        kind=EvaluationKind.FOLLOW_UP
        if latest is not None and latest.has_signed_initial and not new_patient
        else EvaluationKind.INITIAL,
        screening=screening,
        history_screening=screening if newer else None,
        latest_note=latest,
        exam=stored_exam(latest.exam) if latest else {},
        running_profile=dict(latest.running_profile or {}) if latest else {},
    )


def screening_history(screening: Screening) -> str:
    """The history (subjective) a note starts with: the screening's answers that describe the
    complaint and its red flags and bone-stress risks, in words; pain dated to the screening."""
    answers = screening.answers or {}
    day = _when(screening.created_at, "date")
    labels = {QUESTIONS_BY_KEY[key]["label"]: key for key in HISTORY_KEYS}
    lines = [f"From the symptom screening of {day}:"]
    for row in screening_answer_rows({k: answers[k] for k in HISTORY_KEYS if k in answers}):
        if labels.get(row["question"]) in PAIN_KEYS:
            answer = f"Pain at the screening ({day}): {row['answer']} / 10"
        else:
            answer = row["answer"]
        lines.append(f"- {row['question']} {answer}")
    return "\n".join(lines) if len(lines) > 1 else ""


def _unit(label: str) -> str:
    """The unit a measure's label names in brackets: "cm", "°", "kg", "reps"."""
    inside = label.rpartition("(")[2].rstrip(")")
    return inside.split(",")[0].strip() if "(" in label else ""


def _number(value) -> str:
    return "—" if value is None else f"{value:g}"


def exam_hints(exam: dict, on: dt.date | None) -> dict[str, str]:
    """Earlier ROM and strength values by measure key ("rom.knee_to_wall_cm"), left / right, as
    "last: 9 / 11 cm, Oct 23, 2026" (special tests are never carried: they are tested today)."""
    if not exam or on is None:
        return {}
    day = _when(on, "date")
    hints = {}
    for group, rows in (("rom", exam_fields.ROM), ("strength", exam_fields.STRENGTH)):
        for key, label in rows:
            sides = (exam.get(group) or {}).get(key) or {}
            if not any(sides.get(side) is not None for side in exam_fields.SIDES):
                continue
            unit = _unit(label)
            values = [_number(sides.get(side)) for side in exam_fields.SIDES]
            if unit == "°":  # "10° / 12°"
                joined = " / ".join(v if v == "—" else f"{v}°" for v in values)
            else:  # "9 / 11 cm"
                joined = f"{' / '.join(values)} {unit}".rstrip()
            hints[f"{group}.{key}"] = f"last: {joined}, {day}"
    return hints


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
