"""Reads for what leaves the clinic: a note's letter to the referrer, and this app's part of the
runner's own record (HIPAA right of access). Codes go with their labels; PDFs show only labels.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from assessments.exam import exam_rows
from assessments.models import (
    Attachment,
    ClipMeasurement,
    Evaluation,
    EvaluationAddendum,
    EvaluationKind,
    EvaluationStatus,
    GaitAnalysis,
    OutcomeResult,
    Screening,
)
from assessments.models.gait import GAIT_FIELDS
from assessments.note_fields import running_profile_rows, stored_exam
from assessments.proms import INSTRUMENTS
from assessments.proms.schedule import TIMEPOINT_LABELS
from assessments.screening.questions import EXAM_FINDINGS, QUESTIONS_BY_KEY
from assessments.selectors import change_summary
from dangpt.conditions import Condition, Diagnosis

# Which letter each kind of signed note becomes.
LETTER_TITLES = {
    EvaluationKind.INITIAL: "Initial evaluation summary",
    EvaluationKind.FOLLOW_UP: "Progress note",
    EvaluationKind.DISCHARGE: "Discharge summary",
}


def _iso(value) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def _name(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def diagnosis_label(code: str) -> str:
    """The working diagnosis in words ("" when none was given)."""
    return dict(Diagnosis.choices).get(code, "") if code else ""


def outcome_changes(*, patient, until: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per measure: first and latest score up to ``until`` and the change in the therapist's
    words (``describe_change`` through ``change_summary``); one score is a baseline alone."""
    results = OutcomeResult.objects.filter(patient=patient, score__isnull=False)
    if until is not None:
        results = results.filter(taken_at__lte=until)
    by_measure: dict[str, list[OutcomeResult]] = defaultdict(list)
    for result in results.order_by("taken_at", "id"):
        by_measure[result.instrument].append(result)
    rows = []
    for code, scored in sorted(by_measure.items()):
        definition = INSTRUMENTS.get(code)
        summary = change_summary(code, [(r.taken_at, r.score) for r in scored])
        rows.append(
            {
                "measure": definition.name if definition else code,
                "max": scored[0].max_score,
                "first_on": scored[0].taken_at,
                "first": scored[0].score,
                "latest_on": scored[-1].taken_at,
                "latest": scored[-1].score,
                "count": len(scored),
                "change": summary["change"] if summary else None,
                "change_text": summary["label_text"] if summary else "",
            }
        )
    return rows


def _end_of(evaluation: Evaluation) -> dt.datetime:
    """The end of the visit's day (clinic time): a letter reports the scores known at the visit,
    however long after it the note was signed."""
    next_day = evaluation.evaluated_on + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time.min, tzinfo=timezone.get_current_timezone())


def letter_content(*, evaluation: Evaluation) -> dict[str, Any]:
    """What a letter from a signed note says: its title, diagnosis, findings, outcome change and
    plan, and the signature. The caller has checked the note is signed."""
    exam = exam_rows(stored_exam(evaluation.exam))
    return {
        "title": LETTER_TITLES[EvaluationKind(evaluation.kind)],
        "kind": evaluation.kind,
        "evaluated_on": evaluation.evaluated_on,
        "diagnosis": diagnosis_label(evaluation.working_diagnosis),
        "icd10": evaluation.icd10,
        "history": evaluation.history,
        "running_profile": running_profile_rows(evaluation.running_profile),
        "exam": exam,
        "objective_notes": evaluation.objective_notes,
        "assessment_notes": evaluation.assessment_notes,
        "goals": evaluation.goals,
        "visits_per_week": evaluation.visits_per_week,
        "plan_weeks": evaluation.plan_weeks,
        "plan_notes": evaluation.plan_notes,
        "outcomes": outcome_changes(patient=evaluation.patient, until=_end_of(evaluation)),
        "addenda": list(evaluation.addenda.select_related("author")),
        "signed_by": evaluation.signed_by,
        "signed_at": evaluation.signed_at,
    }


# --- The runner's record: this app's part ------------------------------------------------------


def assessments_record_part(*, patient) -> dict[str, Any]:
    """Screenings with results, signed evaluations (drafts are not yet part of the record), gait
    analyses, outcome scores, files and video measurements of one patient: seven queries
    whatever their number."""
    signed = (
        Evaluation.objects.filter(patient=patient, status=EvaluationStatus.SIGNED)
        .select_related("therapist", "signed_by")
        .prefetch_related(Prefetch("addenda", EvaluationAddendum.objects.select_related("author")))
        .order_by("evaluated_on", "id")
    )
    return {
        "screenings": [
            _screening(s)
            for s in Screening.objects.filter(patient=patient).order_by("created_at", "id")
        ],
        "evaluations": [_evaluation(e) for e in signed],
        "gait_analyses": [
            _gait(g)
            for g in GaitAnalysis.objects.filter(patient=patient)
            .select_related("therapist")
            .order_by("recorded_on", "id")
        ],
        "outcome_results": [
            _outcome(r)
            for r in OutcomeResult.objects.filter(patient=patient).order_by("taken_at", "id")
        ],
        **files_record_part(patient=patient),
    }


def files_record_part(*, patient) -> dict[str, Any]:
    """The "Videos and files" part: the files on the chart (not those of a draft note, which
    is not yet part of the record), with the cues of clips shared with the runner, and the
    measurements marked on video; two queries whatever their number."""
    files = (
        Attachment.objects.filter(patient=patient)
        .filter(Q(evaluation__isnull=True) | Q(evaluation__status=EvaluationStatus.SIGNED))
        .order_by("uploaded_at", "id")
    )
    measurements = (
        ClipMeasurement.objects.filter(patient=patient)
        .select_related("clip", "gait_analysis")
        .order_by("created_at", "id")
    )
    return {
        "files": [
            {
                "name": f.display_name,
                "kind": f.kind,
                "kind_label": f.get_kind_display(),
                "uploaded_at": _iso(f.uploaded_at),
                "shared_with_runner": f.shared_with_runner,
                "runner_cues": f.runner_cues if f.shared_with_runner else "",
            }
            for f in files
        ],
        "video_measurements": [
            {
                "measure": m.label,
                "value": float(m.value),
                "value_display": m.value_display,
                "video": m.clip.display_name,
                "clip_time_s": float(m.time_s),
                "gait_recorded_on": _iso(m.gait_analysis.recorded_on),
                "marked_at": _iso(m.created_at),
            }
            for m in measurements
        ],
    }


EXAM_LABELS = {finding["key"]: finding["label"] for finding in EXAM_FINDINGS}


def _answer_words(key: str, value: Any) -> str:
    options = {
        str(option["value"]): option["label"]
        for option in QUESTIONS_BY_KEY.get(key, {}).get("options", ())
    }
    if isinstance(value, bool):
        return options.get(str(value), "Yes" if value else "No")
    if isinstance(value, list):
        return ", ".join(options.get(str(v), str(v).replace("_", " ")) for v in value) or "None"
    return options.get(str(value), str(value).replace("_", " "))


def screening_answer_rows(answers: dict) -> list[dict[str, str]]:
    """The answers as the runner was asked them: question and answer in words, in question
    order, then the therapist's exam findings."""
    rows = [
        {"question": question["label"], "answer": _answer_words(key, answers[key])}
        for key, question in QUESTIONS_BY_KEY.items()
        if key in answers and key != "exam"
    ]
    for key, found in (answers.get("exam") or {}).items():
        if key in EXAM_LABELS and found is not None:
            rows.append({"question": EXAM_LABELS[key], "answer": "Yes" if found else "No"})
    return rows


def _screening(screening: Screening) -> dict[str, Any]:
    result = screening.result or {}
    conditions = dict(Condition.choices)
    return {
        "date": _iso(screening.created_at),
        "source": screening.source,
        "source_label": screening.get_source_display(),
        "answers": screening.answers,
        "answers_in_words": screening_answer_rows(screening.answers or {}),
        "disposition": screening.disposition,
        "disposition_label": screening.get_disposition_display(),
        "red_flags": [
            {"message": flag.get("message", ""), "urgency": flag.get("urgency", "")}
            for flag in result.get("red_flags", [])
        ],
        "conditions": [
            {
                "code": c.get("code"),
                "label": conditions.get(c.get("code"), c.get("code")),
                "score_pct": c.get("score_pct"),
                "band": c.get("band"),
            }
            for c in result.get("conditions", [])
        ],
        "final_diagnosis": screening.final_diagnosis,
        "final_diagnosis_label": diagnosis_label(screening.final_diagnosis),
        "result": result,
    }


def _evaluation(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "kind": evaluation.kind,
        "kind_label": evaluation.get_kind_display(),
        "evaluated_on": _iso(evaluation.evaluated_on),
        "therapist": _name(evaluation.therapist),
        "history": evaluation.history,
        # The JSON record keeps kilometres (DESIGN's kilometre contract).
        "running_profile": running_profile_rows(evaluation.running_profile, miles=False),
        "exam": exam_rows(stored_exam(evaluation.exam)),
        "objective_notes": evaluation.objective_notes,
        "working_diagnosis": evaluation.working_diagnosis,
        "working_diagnosis_label": diagnosis_label(evaluation.working_diagnosis),
        "icd10": evaluation.icd10,
        "assessment_notes": evaluation.assessment_notes,
        "goals": evaluation.goals,
        "visits_per_week": evaluation.visits_per_week,
        "plan_weeks": evaluation.plan_weeks,
        "plan_notes": evaluation.plan_notes,
        "signed_by": _name(evaluation.signed_by),
        "signed_at": _iso(evaluation.signed_at),
        "addenda": [
            {"author": _name(a.author), "written_at": _iso(a.created_at), "text": a.text}
            for a in evaluation.addenda.all()
        ],
    }


def _gait(gait: GaitAnalysis) -> dict[str, Any]:
    values = {name: _iso(getattr(gait, name)) for name in GAIT_FIELDS}
    labels = {
        name: capfirst(str(GaitAnalysis._meta.get_field(name).verbose_name)) for name in GAIT_FIELDS
    }
    shown = {}
    for name in GAIT_FIELDS:
        value = getattr(gait, name)
        if value in (None, "", []):
            continue
        display = getattr(gait, f"get_{name}_display", None)
        if isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        elif display is not None:
            value = display()
        elif isinstance(value, dt.date):
            value = date_format(value, "M j, Y")
        shown[labels[name]] = _iso(value)
    return {
        "recorded_on": _iso(gait.recorded_on),
        "therapist": _name(gait.therapist),
        "values": values,
        "shown": shown,
    }


def _outcome(result: OutcomeResult) -> dict[str, Any]:
    return {
        "measure": result.instrument,
        "measure_label": result.instrument_name,
        "taken_at": _iso(result.taken_at),
        "score": result.score,
        "max_score": result.max_score,
        "complete": result.complete,
        "timepoint": result.timepoint,
        "timepoint_label": TIMEPOINT_LABELS.get(result.timepoint, ""),
        "source_label": result.get_source_display(),
        "answers": result.answers,
    }
