"""Reads of chart records: note and result history, gait comparisons, due measures and trends.

Writes are in ``assessments.services``; loaders that scope one object to a request (and log the
read) are in ``assessments.loaders``.
"""

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.utils import timezone

from assessments import gait_metrics
from assessments.models import (
    GAIT_FIELDS,
    ClipMeasurement,
    Evaluation,
    GaitAnalysis,
    OutcomeResult,
    PromSchedule,
)
from assessments.proms import INSTRUMENTS, describe_change
from assessments.proms.schedule import (
    MEASURES_BY_CONDITION,
    TIMEPOINT_LABELS,
    Due,
    due_now,
    measures_at,
    timepoint_dates,
)
from dangpt import staff_units
from dangpt.audit import display
from dangpt.conditions import Condition
from patients.models import RunningProfile

RUNNING_PROFILE_FIELDS = RunningProfile.INTAKE_FIELDS


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


# --- Evaluations and results: history ------------------------------------------------------


def evaluation_history(*, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Every stored version of a note, oldest first, with the fields that changed each time."""
    events = list(
        Evaluation.pgh_event_model.objects.filter(pgh_obj_id=evaluation.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    return _diff_events(events, Evaluation, ignore={"updated_at", "created_at"})


def outcome_history(*, result: OutcomeResult) -> list[dict[str, Any]]:
    """Every stored version of an outcome result, oldest first."""
    events = list(
        OutcomeResult.pgh_event_model.objects.filter(pgh_obj_id=result.pk)
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    return _diff_events(events, OutcomeResult, ignore={"created_at"})


# Keys of the record itself and of who it belongs to: the page is about that record already.
HISTORY_KEYS = {"id", "patient_id"}


def _diff_events(events, model, ignore: set[str]) -> list[dict[str, Any]]:
    """Rows of (when, who, which fields changed, values) from pghistory events."""
    if not events:
        return []
    tracked = [
        f.attname
        for f in events[0]._meta.fields
        if not f.name.startswith("pgh_") and f.attname not in ignore | HISTORY_KEYS
    ]
    rows, previous = [], None
    for event in events:
        values = {name: getattr(event, name) for name in tracked}
        if previous is None:
            changed = tracked
        else:
            changed = [name for name in tracked if values[name] != previous[name]]
        context = (event.pgh_context.metadata if event.pgh_context_id else None) or {}
        diff = {name: [previous[name] if previous else None, values[name]] for name in changed}
        rows.append(
            {
                "at": event.pgh_created_at,
                "label": display.CHANGE_LABELS.get(event.pgh_label, event.pgh_label),
                "user_id": context.get("user"),
                "model": model._meta.label,
                "diff": diff,
                "first": previous is None,
                "values": values,
            }
        )
        previous = values
    return rows


# --- Gait -----------------------------------------------------------------------------------


def gait_values(gait: GaitAnalysis) -> dict[str, Any]:
    """Field values for comparison, with choice fields shown by their labels and the speed in
    mph as staff read it."""
    values = model_to_dict(gait, fields=GAIT_FIELDS)
    values["speed_mph"] = staff_units.miles(values["speed_kmh"])
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
    rows = gait_metrics.compare(a, b)
    measured = video_measured_fields([before, after])
    for row in rows:
        row["video_before"] = measured[before.pk].get(row["field"])
        row["video_after"] = measured[after.pk].get(row["field"])
    return {
        "before": before,
        "after": after,
        "rows": rows,
        "asymmetry_before": gait_metrics.asymmetry(a),
        "asymmetry_after": gait_metrics.asymmetry(b),
    }


def video_measured_fields(gaits) -> dict[int, dict[str, ClipMeasurement]]:
    """Per gait analysis, each field whose value is still the latest video measurement's, with it.

    A field changed by hand after the measurement is not marked. One query for any number.
    """
    by_id = {gait.pk: gait for gait in gaits}
    latest = (
        ClipMeasurement.objects.filter(gait_analysis__in=list(by_id))
        .select_related("clip")
        .order_by("gait_analysis_id", "gait_field", "-created_at", "-id")
        .distinct("gait_analysis_id", "gait_field")
    )
    measured: dict[int, dict[str, ClipMeasurement]] = {pk: {} for pk in by_id}
    for measurement in latest:
        current = getattr(by_id[measurement.gait_analysis_id], measurement.gait_field)
        if current is not None and Decimal(current) == measurement.filled_value:
            measured[measurement.gait_analysis_id][measurement.gait_field] = measurement
    return measured


def video_measurements(gait: GaitAnalysis, *, limit: int = 50) -> list[ClipMeasurement]:
    """The latest measurements marked on video for this gait analysis, with their clips."""
    return list(
        ClipMeasurement.objects.filter(gait_analysis=gait)
        .select_related("clip")
        .order_by("-created_at", "-id")[:limit]
    )


# --- Outcome measures -----------------------------------------------------------------------


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
    """Baseline ± the MDC: changes inside it are within measurement error (None without an MDC)."""
    definition = INSTRUMENTS[instrument]
    if baseline is None or definition.mdc is None:
        return None
    mdc = definition.mdc["value"]
    return {
        "low": max(0, baseline - mdc),
        "high": min(definition.max, baseline + mdc),
        "mdc": mdc,
        "confidence": definition.mdc.get("confidence", ""),
    }


def _thresholds(instrument: str, mcid: float | None, weeks: float) -> str:
    """The thresholds applied to a change, with their sources, in words."""
    definition = INSTRUMENTS[instrument]
    if definition.mdc:
        confidence = definition.mdc.get("confidence", "")
        level = f", {confidence} confidence" if confidence else ""
        mdc = f"Measurement error (MDC{level}): {definition.mdc['value']:g} points."
        mdc_source = f" MDC source: {definition.mdc['reference']}."
    else:
        mdc, mdc_source = "Measurement error (MDC): not established for this measure.", ""
    if mcid is not None:
        important = f"Clinically important change (MCID): {mcid:g} points."
    else:
        important = (
            "Clinically important change (MCID): none validated for a change over "
            f"{weeks:.0f} weeks."
        )
    return f"{mdc} {important} MCID source: {definition.mcid['reference']}.{mdc_source}"


def change_summary(
    instrument: str, scores: list[tuple[dt.datetime, float]]
) -> dict[str, Any] | None:
    """Baseline (first scored), latest, change and its label; None with under two scores.

    ``scores`` are (taken at, score) pairs, oldest first; the weeks between the first and the
    last decide which MCID applies (VISA-A's differs by interval).
    """
    if len(scores) < 2:
        return None
    (first_at, baseline), (last_at, latest) = scores[0], scores[-1]
    weeks = (last_at - first_at).total_seconds() / (7 * 24 * 3600)
    change = describe_change(instrument, baseline, latest, weeks=weeks)
    return {
        "baseline": baseline,
        "latest": latest,
        "change": round(latest - baseline, 1),
        "weeks": round(weeks, 1),
        "label": change.code,
        "label_text": change.text,
        "mdc": change.mdc,
        "mcid": change.mcid,
        "thresholds": _thresholds(instrument, change.mcid, weeks),
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
        "summary": change_summary(instrument, [(r.taken_at, r.score) for r in scored]),
        "results": results,
    }


def outcome_overview(*, user) -> list[dict[str, Any]]:
    """Latest change per patient and measure, grouped by condition (two queries in all)."""
    schedules = list(
        PromSchedule.objects.visible_to(user).select_related("patient").order_by("patient_id")
    )
    scores: dict[tuple[int, str], list[tuple[dt.datetime, float]]] = defaultdict(list)
    for patient_id, instrument, taken_at, value in (
        OutcomeResult.objects.filter(
            patient__in={s.patient_id for s in schedules}, score__isnull=False
        )
        .order_by("taken_at", "id")
        .values_list("patient_id", "instrument", "taken_at", "score")
    ):
        scores[(patient_id, instrument)].append((taken_at, value))
    groups = []
    for condition in Condition:
        rows = []
        for schedule in (s for s in schedules if s.condition == condition.value):
            for instrument in MEASURES_BY_CONDITION[condition.value]:
                values = scores.get((schedule.patient_id, instrument), [])
                rows.append(
                    {
                        "patient": schedule.patient,
                        "instrument": instrument,
                        "name": INSTRUMENTS[instrument].name,
                        "count": len(values),
                        "latest": values[-1][1] if values else None,
                        "summary": change_summary(instrument, values),
                    }
                )
        if rows:
            groups.append({"condition": condition, "rows": rows})
    return groups


def schedule_plan(schedule: PromSchedule) -> list[dict[str, Any]]:
    """The timepoints of a schedule with the measures asked at each, for display."""
    return [
        {
            "timepoint": TIMEPOINT_LABELS[code],
            "due_on": day,
            "measures": [INSTRUMENTS[m].name for m in measures_at(schedule.condition, code)],
        }
        for code, day in timepoint_dates(schedule.starts_on, schedule.discharge_on)
    ]


def with_user_names(rows: list[dict], named: dict[str, Any] | None = None) -> list[dict]:
    """History rows with the name of who made each change (one query for all of them).

    `named` maps a field to a function naming its stored code (an instrument's name for "lefs").
    """
    named = named or {}
    from django.contrib.auth import get_user_model

    wanted = {r["user_id"] for r in rows if r["user_id"]}
    for row in rows:
        wanted |= display.user_ids_in(row.get("model", ""), row.get("diff"))
    users = get_user_model().objects.in_bulk(wanted)
    for row in rows:
        user = users.get(row["user_id"])
        row["user"] = display.person(user) or "—"
        if "diff" in row:
            row["changes"] = display.changes(row["model"], row["diff"], users, set())
            row["shown"] = [
                (
                    display.field_label(row["model"], name),
                    named[name](v)
                    if name in named and v
                    else display.value_text(row["model"], name, v, users),
                )
                for name, v in row["values"].items()
            ]
    return rows


# --- The record as it leaves the clinic (FHIR export, dangpt/wiring/fhir) ----------------------
# Each takes the patients' ids (None: every patient) and answers one query ordered by id.


def _of(rows, patient_ids):
    rows = rows if patient_ids is None else rows.filter(patient_id__in=patient_ids)
    return rows.order_by("pk")


def record_diagnosed_evaluations(*, patient_ids=None):
    """Notes that name a working diagnosis (each becomes a Condition)."""
    return _of(Evaluation.objects.exclude(working_diagnosis=""), patient_ids)


def record_gait_analyses(*, patient_ids=None):
    """Gait analyses with their measurements."""
    return _of(GaitAnalysis.objects.all(), patient_ids)


def record_outcome_results(*, patient_ids=None):
    """Scored outcome measures with their answers."""
    return _of(OutcomeResult.objects.all(), patient_ids)


def record_screenings(*, patient_ids=None):
    """Injury screenings with their answers."""
    from assessments.models import Screening

    return _of(Screening.objects.all(), patient_ids)


def screening_summaries(patient_ids, since: dt.datetime) -> list:
    """The patients' screenings since a time, as the day views' summaries, in one query.

    Registered with `patients.previsit` when the app starts: patients may not import this app.
    """
    from django.db.models import Func, IntegerField
    from django.db.models.fields.json import KeyTransform
    from django.urls import reverse

    from assessments.models import Disposition, Screening
    from patients.previsit import ScreeningSummary

    flags = Func(
        KeyTransform("red_flags", "result"),
        function="jsonb_array_length",
        output_field=IntegerField(),
    )
    rows = (
        Screening.objects.filter(patient_id__in=list(patient_ids), created_at__gte=since)
        .annotate(flag_count=flags)
        .values("pk", "patient_id", "created_at", "disposition", "suspected_bsi", "flag_count")
    )
    return [
        ScreeningSummary(
            pk=row["pk"],
            patient_id=row["patient_id"],
            created_at=row["created_at"],
            refer=row["disposition"] == Disposition.REFER,
            red_flag=bool(row["flag_count"]),
            suspected_bsi=row["suspected_bsi"],
            url=reverse("assessments:screening_detail", args=[row["pk"]]),
        )
        for row in rows
    ]
