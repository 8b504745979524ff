"""Writes and read models of clinical records: evaluations, addenda, gait analyses and outcomes.

Every write goes through one of these keyword-only functions. Each runs inside
``pghistory.context(user=...)`` so the history page can name who made each change.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from assessments.clinical import gait as gait_rules
from assessments.clinical.schedule import (
    MEASURES_BY_CONDITION,
    TIMEPOINT_LABELS,
    Due,
    due_now,
    measures_at,
)
from assessments.models_clinical import (
    NOTE_ROLES,
    ClinicalCondition,
    Evaluation,
    EvaluationAddendum,
    EvaluationStatus,
    GaitAnalysis,
    OutcomeResult,
    OutcomeSource,
    PromSchedule,
)
from assessments.prom_wording import apply_clinic_wording
from assessments.proms import INSTRUMENTS, InvalidAnswers, classify_change, score
from dangpt.roles import Role, role_of
from patients.models import RunningProfile

LOCKED_MESSAGE = "This note is signed and locked. Add an addendum instead."

EVALUATION_FIELDS = (
    "kind",
    "evaluated_on",
    "appointment",
    "screening",
    "history",
    "running_profile",
    "exam",
    "objective_notes",
    "working_diagnosis",
    "icd10",
    "assessment_notes",
    "goals",
    "visits_per_week",
    "plan_weeks",
    "plan_notes",
)

RUNNING_PROFILE_FIELDS = RunningProfile.INTAKE_FIELDS


def _require_clinician(user) -> None:
    if role_of(user) not in NOTE_ROLES:
        raise ValidationError("Only therapists and managers write clinical notes.")


def _json_value(value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def running_profile_snapshot(*, patient) -> dict[str, Any]:
    """The runner's current running profile as JSON, to freeze into a note."""
    profile = getattr(patient, "running_profile", None)
    if profile is None:
        return {}
    snapshot = {name: _json_value(getattr(profile, name, None)) for name in RUNNING_PROFILE_FIELDS}
    return {key: value for key, value in snapshot.items() if value not in (None, "", [])}


def _normalise(values: dict) -> dict:
    if isinstance(values.get("icd10"), str):
        values["icd10"] = values["icd10"].strip().upper()
    return values


def _check_links(patient, fields: dict) -> None:
    for name in ("appointment", "screening"):
        linked = fields.get(name)
        if linked is not None and linked.patient_id != patient.pk:
            raise ValidationError({name: ["Choose one of this patient's records."]})


@transaction.atomic
def evaluation_create(*, patient, therapist, fields: dict[str, Any]) -> Evaluation:
    """Start a draft note for a patient; the running profile is snapshotted when not given."""
    _require_clinician(therapist)
    values = _normalise({key: fields[key] for key in EVALUATION_FIELDS if key in fields})
    _check_links(patient, values)
    if not values.get("running_profile"):
        values["running_profile"] = running_profile_snapshot(patient=patient)
    evaluation = Evaluation(patient=patient, therapist=therapist, **values)
    evaluation.full_clean()
    with pghistory.context(user=therapist.pk):
        evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_update(*, evaluation: Evaluation, user, fields: dict[str, Any]) -> Evaluation:
    """Change a draft note; a signed note refuses (addenda only)."""
    _require_clinician(user)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_signed:
        raise ValidationError(LOCKED_MESSAGE)
    values = _normalise({key: fields[key] for key in EVALUATION_FIELDS if key in fields})
    _check_links(evaluation.patient, values)
    for key, value in values.items():
        setattr(evaluation, key, value)
    evaluation.full_clean()
    with pghistory.context(user=user.pk):
        evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_sign(*, evaluation: Evaluation, user) -> Evaluation:
    """Sign a draft: record who and when; from then on the database refuses changes."""
    if role_of(user) != Role.THERAPIST:
        raise ValidationError("Only a therapist signs notes.")
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_signed:
        raise ValidationError("This note is already signed.")
    if not evaluation.working_diagnosis:
        raise ValidationError({"working_diagnosis": ["Record a working diagnosis before signing."]})
    evaluation.status = EvaluationStatus.SIGNED
    evaluation.signed_by = user
    evaluation.signed_at = timezone.now()
    with pghistory.context(user=user.pk):
        evaluation.save(update_fields=["status", "signed_by", "signed_at", "updated_at"])
    return evaluation


@transaction.atomic
def addendum_add(*, evaluation: Evaluation, author, text: str) -> EvaluationAddendum:
    """Add a dated addendum to a signed note; drafts are edited directly instead."""
    _require_clinician(author)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the addendum."]})
    if not evaluation.is_signed:
        raise ValidationError("Edit the draft itself; addenda are for signed notes.")
    return EvaluationAddendum.objects.create(evaluation=evaluation, author=author, text=text)


def evaluation_history(*, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Every stored version of a note, oldest first, with the fields that changed each time."""
    events = list(
        Evaluation.pgh_event_model.objects.filter(pgh_obj_id=evaluation.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    return _diff_events(events, ignore={"updated_at", "created_at"})


def outcome_history(*, result: OutcomeResult) -> list[dict[str, Any]]:
    """Every stored version of an outcome result, oldest first."""
    events = list(
        OutcomeResult.pgh_event_model.objects.filter(pgh_obj_id=result.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    return _diff_events(events, ignore={"created_at"})


def _diff_events(events, ignore: set[str]) -> list[dict[str, Any]]:
    """Rows of (when, who, which fields changed, values) from pghistory events."""
    if not events:
        return []
    tracked = [
        f.attname
        for f in events[0]._meta.fields
        if not f.name.startswith("pgh_") and f.attname not in ignore
    ]
    rows, previous = [], None
    for event in events:
        values = {name: getattr(event, name) for name in tracked}
        if previous is None:
            changed = tracked
        else:
            changed = [name for name in tracked if values[name] != previous[name]]
        context = (event.pgh_context.metadata if event.pgh_context_id else None) or {}
        rows.append(
            {
                "at": event.pgh_created_at,
                "label": event.pgh_label,
                "user_id": context.get("user"),
                "changed": changed,
                "values": values,
            }
        )
        previous = values
    return rows


# --- Gait -----------------------------------------------------------------------------------

GAIT_FIELDS = tuple(
    f.name
    for f in GaitAnalysis._meta.fields
    if f.name not in {"id", "patient", "therapist", "evaluation", "created_at", "updated_at"}
)


def _gait_locked(gait: GaitAnalysis) -> bool:
    return gait.evaluation_id is not None and gait.evaluation.is_signed


@transaction.atomic
def gait_create(
    *, patient, therapist, fields: dict[str, Any], evaluation: Evaluation | None = None
) -> GaitAnalysis:
    """Record a gait analysis, optionally as part of a draft evaluation."""
    _require_clinician(therapist)
    if evaluation is not None:
        if evaluation.patient_id != patient.pk:
            raise ValidationError({"evaluation": ["Choose one of this patient's evaluations."]})
        if evaluation.is_signed:
            raise ValidationError(LOCKED_MESSAGE)
    gait = GaitAnalysis(
        patient=patient,
        therapist=therapist,
        evaluation=evaluation,
        **{key: fields[key] for key in GAIT_FIELDS if key in fields},
    )
    gait.full_clean()
    gait.save()
    return gait


@transaction.atomic
def gait_update(*, gait: GaitAnalysis, user, fields: dict[str, Any]) -> GaitAnalysis:
    """Change a gait analysis unless the note it belongs to is signed."""
    _require_clinician(user)
    gait = (
        GaitAnalysis.objects.select_for_update(of=("self",))
        .select_related("evaluation")
        .get(pk=gait.pk)
    )
    if _gait_locked(gait):
        raise ValidationError(LOCKED_MESSAGE)
    for key in GAIT_FIELDS:
        if key in fields:
            setattr(gait, key, fields[key])
    gait.full_clean()
    gait.save()
    return gait


def gait_values(gait: GaitAnalysis) -> dict[str, Any]:
    """Field values for comparison, with choice fields shown by their labels."""
    values = model_to_dict(gait, fields=GAIT_FIELDS)
    for field in ("surface", "foot_strike_left", "foot_strike_right", "step_width", "arm_swing"):
        values[field] = getattr(gait, f"get_{field}_display")() if values[field] else ""
    return values


def gait_comparison(*, before: GaitAnalysis, after: GaitAnalysis) -> dict[str, Any]:
    """Rows of two analyses side by side, and each one's left/right asymmetry."""
    if before.patient_id != after.patient_id:
        raise ValidationError("Compare two analyses of the same patient.")
    if (after.recorded_on, after.pk) < (before.recorded_on, before.pk):
        before, after = after, before
    a, b = gait_values(before), gait_values(after)
    return {
        "before": before,
        "after": after,
        "rows": gait_rules.compare(a, b),
        "asymmetry_before": gait_rules.asymmetry(a),
        "asymmetry_after": gait_rules.asymmetry(b),
    }


# --- Outcome measures -----------------------------------------------------------------------


def _answer_errors(exc: InvalidAnswers) -> ValidationError:
    return ValidationError(
        {
            (key if key in ("answers", "instrument") else f"answers.{key}"): messages
            for key, messages in exc.errors.items()
        }
    )


@transaction.atomic
def outcome_record(
    *,
    patient,
    instrument: str,
    answers: dict[str, Any],
    collected_by,
    source: str,
    taken_at: dt.datetime | None = None,
    schedule: PromSchedule | None = None,
    timepoint: str = "",
) -> OutcomeResult:
    """Score and store one administration; invalid answers are refused naming each bad item."""
    apply_clinic_wording()
    if instrument not in INSTRUMENTS:
        raise ValidationError({"instrument": [f"Unknown instrument {instrument!r}."]})
    try:
        scored = score(instrument, answers)
    except InvalidAnswers as exc:
        raise _answer_errors(exc) from exc
    if schedule is not None and schedule.patient_id != patient.pk:
        raise ValidationError({"schedule": ["Choose one of this patient's schedules."]})
    result = OutcomeResult(
        patient=patient,
        instrument=instrument,
        answers={key: value for key, value in answers.items() if value is not None},
        score=scored["score"],
        max_score=scored["max"],
        complete=scored["complete"],
        taken_at=taken_at or timezone.now(),
        source=source,
        collected_by=collected_by,
        schedule=schedule,
        timepoint=timepoint,
        wording_version=INSTRUMENTS[instrument].wording_version or "",
    )
    try:
        with transaction.atomic(), pghistory.context(user=collected_by.pk):
            result.save()
    except IntegrityError as exc:
        raise ValidationError("This questionnaire has already been filled in.") from exc
    return result


@transaction.atomic
def outcome_fill_due(
    *, patient, user, schedule_id: int, timepoint: str, instrument: str, answers: dict
) -> OutcomeResult:
    """The runner fills a measure that is due now; anything else is refused."""
    due = {(d.schedule.pk, d.timepoint, d.instrument) for d in due_measures(patient=patient)}
    if (schedule_id, timepoint, instrument) not in due:
        raise ValidationError("This questionnaire is not due.")
    schedule = PromSchedule.objects.get(pk=schedule_id, patient=patient)
    return outcome_record(
        patient=patient,
        instrument=instrument,
        answers=answers,
        collected_by=user,
        source=OutcomeSource.PORTAL,
        schedule=schedule,
        timepoint=timepoint,
    )


@transaction.atomic
def prom_schedule_create(
    *, patient, condition: str, starts_on: dt.date, created_by
) -> PromSchedule:
    """Start the default measure schedule for one condition of a patient."""
    _require_clinician(created_by)
    if condition not in ClinicalCondition.values:
        raise ValidationError({"condition": ["Choose one of the six conditions."]})
    if PromSchedule.objects.filter(patient=patient, condition=condition).exists():
        raise ValidationError({"condition": ["This patient already has a schedule for it."]})
    return PromSchedule.objects.create(
        patient=patient, condition=condition, starts_on=starts_on, created_by=created_by
    )


@transaction.atomic
def prom_schedule_discharge(*, schedule: PromSchedule, discharge_on: dt.date, user) -> PromSchedule:
    """Set the discharge date, which makes the discharge measures due on that day."""
    _require_clinician(user)
    if discharge_on < schedule.starts_on:
        raise ValidationError({"discharge_on": ["Discharge cannot come before the start."]})
    schedule.discharge_on = discharge_on
    schedule.full_clean()
    schedule.save(update_fields=["discharge_on"])
    return schedule


class DueMeasure:
    """A measure a runner should fill now."""

    def __init__(self, schedule: PromSchedule, due: Due):
        self.schedule = schedule
        self.timepoint = due.timepoint
        self.instrument = due.instrument
        self.due_on = due.due_on
        self.timepoint_label = due.timepoint_label
        self.name = INSTRUMENTS[due.instrument].name


def due_measures(*, patient, today: dt.date | None = None) -> list[DueMeasure]:
    """Measures due now over all of a patient's schedules (two queries)."""
    today = today or timezone.localdate()
    schedules = list(PromSchedule.objects.filter(patient=patient))
    done: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for schedule_id, timepoint, instrument in OutcomeResult.objects.filter(
        schedule__in=schedules
    ).values_list("schedule_id", "timepoint", "instrument"):
        done[schedule_id].add((timepoint, instrument))
    measures = []
    for schedule in schedules:
        for due in due_now(
            condition=schedule.condition,
            starts_on=schedule.starts_on,
            discharge_on=schedule.discharge_on,
            done=done[schedule.pk],
            today=today,
        ):
            measures.append(DueMeasure(schedule, due))
    return measures


def _band(instrument: str, baseline: float | None) -> dict[str, Any] | None:
    """The MCID band around the baseline: changes inside it are within measurement error."""
    if baseline is None:
        return None
    definition = INSTRUMENTS[instrument]
    mcid = definition.mcid["value"]
    return {
        "low": max(0, baseline - mcid),
        "high": min(definition.max, baseline + mcid),
        "mcid": mcid,
        "reference": definition.mcid["reference"],
    }


CHANGE_LABELS = {
    "improved": "Improved beyond the MCID",
    "within_error": "Within measurement error",
    "worse": "Worse beyond the MCID",
}


def change_summary(instrument: str, scores: list[float]) -> dict[str, Any] | None:
    """Baseline (first scored), latest, change and its MCID label; None with under two scores."""
    if len(scores) < 2:
        return None
    baseline, latest = scores[0], scores[-1]
    label = classify_change(instrument, baseline, latest)
    return {
        "baseline": baseline,
        "latest": latest,
        "change": round(latest - baseline, 1),
        "label": label,
        "label_text": CHANGE_LABELS[label],
    }


def outcome_trend(*, patient, instrument: str) -> dict[str, Any]:
    """The chart data of one measure for one patient: points, MCID band and change label."""
    results = list(
        OutcomeResult.objects.filter(patient=patient, instrument=instrument).order_by(
            "taken_at", "id"
        )
    )
    definition = INSTRUMENTS[instrument]
    scored = [r for r in results if r.score is not None]
    points = [
        {
            "taken_at": timezone.localtime(r.taken_at).isoformat(),
            "date": timezone.localtime(r.taken_at).date().isoformat(),
            "score": r.score,
            "timepoint": TIMEPOINT_LABELS.get(r.timepoint, ""),
        }
        for r in scored
    ]
    return {
        "instrument": instrument,
        "name": definition.name,
        "max": definition.max,
        "direction": definition.direction,
        "points": points,
        "band": _band(instrument, scored[0].score if scored else None),
        "summary": change_summary(instrument, [r.score for r in scored]),
        "results": results,
    }


def outcome_overview(*, user) -> list[dict[str, Any]]:
    """Latest change per patient and measure, grouped by condition (two queries in all)."""
    schedules = list(
        PromSchedule.objects.visible_to(user).select_related("patient").order_by("patient_id")
    )
    scores: dict[tuple[int, str], list[float]] = defaultdict(list)
    for patient_id, instrument, value in (
        OutcomeResult.objects.filter(
            patient__in={s.patient_id for s in schedules}, score__isnull=False
        )
        .order_by("taken_at", "id")
        .values_list("patient_id", "instrument", "score")
    ):
        scores[(patient_id, instrument)].append(value)
    groups = []
    for condition in ClinicalCondition:
        rows = []
        for schedule in (s for s in schedules if s.condition == condition.value):
            for instrument in MEASURES_BY_CONDITION[condition.value]:
                values = scores.get((schedule.patient_id, instrument), [])
                rows.append(
                    {
                        "patient": schedule.patient,
                        "instrument": instrument,
                        "count": len(values),
                        "latest": values[-1] if values else None,
                        "summary": change_summary(instrument, values),
                    }
                )
        if rows:
            groups.append({"condition": condition, "rows": rows})
    return groups


def schedule_plan(schedule: PromSchedule) -> list[dict[str, Any]]:
    """The timepoints of a schedule with the measures asked at each, for display."""
    from assessments.clinical.schedule import timepoint_dates

    return [
        {
            "timepoint": TIMEPOINT_LABELS[code],
            "due_on": day,
            "measures": measures_at(schedule.condition, code),
        }
        for code, day in timepoint_dates(schedule.starts_on, schedule.discharge_on)
    ]
