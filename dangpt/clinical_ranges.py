"""The one table of physiological ranges for every clinical number staff enter.

Forms, API schemas, services and database checks all read their bounds and messages here, so a
page and the API refuse the same values with the same words. Each bound says why it is where it
is; a bound is a plausibility limit (what a measurement of a person can be), not a norm. Adding a
numeric clinical field without a range here fails tests/dangpt/test_clinical_ranges.py.

(`dangpt/ranges.py` is unrelated: HTTP Range requests for video.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.deconstruct import deconstructible
from pydantic import AfterValidator, BeforeValidator, Field


@dataclass(frozen=True)
class Bound:
    """A clinical number's plausible range: label and unit for messages, whole or not."""

    label: str
    low: int | float
    high: int | float | None  # None: no upper bound (a contract's "0 or more")
    unit: str = ""  # appended to the numbers: "°" or " cm"
    whole: bool = False

    def shown(self, number) -> str:
        """A bound as people read it: "160°", "0.1 km/h", "3,600 s"."""
        number = float(number)
        text = f"{int(number):,}" if number.is_integer() else f"{number:,.1f}"
        return f"{text}{self.unit}"

    @property
    def range_message(self) -> str:
        """ "Knee flexion must be between 0° and 160°." """
        if self.high is None:
            return f"{self.label} must be {self.shown(self.low)} or more."
        return f"{self.label} must be between {self.shown(self.low)} and {self.shown(self.high)}."

    @property
    def whole_message(self) -> str:
        """ "Reps must be a whole number." """
        return f"{self.label} must be a whole number."

    def problem(self, value: Any) -> str | None:
        """The message for a value outside the range or not whole; None when it fits (or empty)."""
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            return f"{self.label} must be a number."
        if isinstance(value, float | Decimal) and not math.isfinite(value):
            return f"{self.label} must be a number."
        if self.whole and value != int(value):
            return self.whole_message
        # Decimal on both sides: 0.1 as a float is not the 0.1 a person typed.
        exact = Decimal(str(value))
        too_high = self.high is not None and exact > Decimal(str(self.high))
        if exact < Decimal(str(self.low)) or too_high:
            return self.range_message
        return None


def _b(label, low, high, unit="", whole=False) -> Bound:
    return Bound(label, low, high, unit, whole)


DEG, CM, KG, KM = "°", " cm", " kg", " km"

RANGES: dict[str, Bound] = {
    # --- Exam, range of motion (assessments/exam.py ROM; clinical.md §2) ---------------------
    # Knee-to-wall lunge: norms 9-13 cm (Bennell 1998); 20 cm is beyond any reported foot.
    "exam.rom.knee_to_wall_cm": _b("Ankle dorsiflexion (knee-to-wall)", 0, 20, CM),
    # Hip IR: normal 30-45° (AAOS); 60° covers hypermobile hips.
    "exam.rom.hip_internal_rotation_deg": _b("Hip internal rotation", 0, 60, DEG),
    # Hip extension: normal 10-30° (AAOS 30°); negative is a flexion contracture (Thomas test).
    "exam.rom.hip_extension_deg": _b("Hip extension", -30, 40, DEG),
    # Knee flexion: normal 135-150° (AAOS 135°); 160° is full passive flexion.
    "exam.rom.knee_flexion_deg": _b("Knee flexion", 0, 160, DEG),
    # 1st MTP extension: normal 65-75° (AAOS 70°); 110° covers hypermobile toes.
    "exam.rom.first_mtp_extension_deg": _b("1st MTP extension", 0, 110, DEG),
    # --- Exam, strength (handheld or belt-fixed dynamometer, kg; repetitions) ----------------
    # Belt-fixed HHD in strong runners stays under ~90 kg for knee extension; 150 kg is a margin.
    "exam.strength.hip_abduction": _b("Hip abduction strength", 0, 150, KG),
    "exam.strength.hip_extension": _b("Hip extension strength", 0, 150, KG),
    "exam.strength.knee_extension": _b("Knee extension strength", 0, 150, KG),
    # Single-leg heel raises: norms ~25 (Hébert-Losier 2017); capped at 100 in clinic.
    "exam.strength.single_leg_heel_raise_reps": _b("Single-leg heel raises", 0, 100, whole=True),
    "exam.strength.single_leg_squat_reps": _b("Single-leg squats", 0, 100, whole=True),
    # --- Gait analysis (assessments/models/gait.py; clinical.md §8) ---------------------------
    # Treadmill speeds: 0.1-40 km/h (the existing database check).
    "gait.speed_kmh": _b("Speed", 0.1, 40, " km/h"),
    # Treadmills run -3% to 15%; hills outdoors rarely past 30%.
    "gait.incline_pct": _b("Incline", -10, 30, "%"),
    # Running cadence 150-200 steps/min in most runners; sprinters reach ~260 (the video tool
    # and the existing database check use 100-260).
    "gait.cadence_spm": _b("Cadence", 100, 260, " steps/min", whole=True),
    "gait.target_cadence_spm": _b("Target cadence", 100, 260, " steps/min", whole=True),
    # Heel ahead of the hip at contact: typically 10-30 cm.
    "gait.overstride_cm": _b("Overstride", 0, 60, CM),
    # Shank angle at contact: typically 0-15°; negative is the shank behind vertical.
    "gait.shank_angle_deg": _b("Shank angle", -20, 30, DEG),
    # Contralateral pelvic drop: 4-10° typical; >20° is beyond reported runners.
    "gait.pelvic_drop_left_deg": _b("Pelvic drop (left stance)", 0, 20, DEG),
    "gait.pelvic_drop_right_deg": _b("Pelvic drop (right stance)", 0, 20, DEG),
    # Peak hip adduction in running: 8-20° (Souza 2016).
    "gait.hip_adduction_left_deg": _b("Hip adduction (left)", 0, 30, DEG),
    "gait.hip_adduction_right_deg": _b("Hip adduction (right)", 0, 30, DEG),
    # Frontal-plane projection angle of the knee: 0-25° typical; 45° is a generous limit.
    "gait.knee_valgus_left_deg": _b("Knee valgus (left)", 0, 45, DEG),
    "gait.knee_valgus_right_deg": _b("Knee valgus (right)", 0, 45, DEG),
    # Trunk lean: forward 5-15° typical, lateral a few degrees.
    "gait.trunk_lean_forward_deg": _b("Forward trunk lean", 0, 45, DEG),
    "gait.trunk_lean_lateral_deg": _b("Lateral trunk lean", 0, 30, DEG),
    # Step width: negative when the feet cross the midline (crossover).
    "gait.step_width_cm": _b("Step width", -10, 30, CM),
    # Vertical oscillation of the pelvis: 6-12 cm typical.
    "gait.vertical_oscillation_cm": _b("Vertical oscillation", 0, 20, CM),
    # Ground contact time: ~150 ms in sprinters to ~350 ms in slow joggers.
    "gait.contact_time_left_ms": _b("Contact time (left)", 80, 500, " ms", whole=True),
    "gait.contact_time_right_ms": _b("Contact time (right)", 80, 500, " ms", whole=True),
    # Shoes are usually retired by 500-800 km; 5,000 km covers a forgotten pair.
    "gait.shoe_km": _b("Shoe age", 0, 5000, KM, whole=True),
    # --- Running profile at intake (patients RunningProfile; an evaluation snapshots it) ------
    "running_profile.years_running": _b("Years running", 0, 90, whole=True),
    # Three runs a day at most (the existing database check).
    "running_profile.runs_per_week": _b("Runs per week", 0, 21, whole=True),
    # Elite marathoners run 160-250 km a week; 500 km covers multi-day ultra training.
    "running_profile.weekly_km": _b("Weekly distance", 0, 500, KM),
    # 100-mile races are 161 km; 300 km covers multi-day events.
    "running_profile.longest_run_km_30d": _b("Longest run", 0, 300, KM),
    "running_profile.shoes_km": _b("Distance on current shoes", 0, 5000, KM, whole=True),
    # --- Evaluation plan ----------------------------------------------------------------------
    "evaluation.visits_per_week": _b("Visits per week", 1, 7, whole=True),
    "evaluation.plan_weeks": _b("Plan duration", 1, 52, " weeks", whole=True),
    # --- Program settings and items (clinical.md §6 dosage) -----------------------------------
    "program.baseline_pain": _b("Usual pain", 0, 10, whole=True),  # NPRS 0-10
    "program.current_phase": _b("Current phase", 1, 20, whole=True),
    "program.walk_run_stage": _b("Walk-run stage", 0, 8, whole=True),  # the plan's stages
    # Loading programs use 1-5 sets; 10 is a margin.
    "program_item.sets": _b("Sets", 1, 10, whole=True),
    "program_item.reps": _b("Reps", 1, 100, whole=True),
    # Holds are isometrics (30-45 s) and timed walks or runs of the walk-run plan (up to 30 min).
    "program_item.hold_seconds": _b("Hold", 1, 3600, " s", whole=True),
    "program_item.load_kg": _b("Load", 0, 300, KG),
    # Up to three times a day (the existing database check).
    "program_item.times_per_week": _b("Times per week", 1, 21, whole=True),
    "program_item.phase": _b("Phase", 1, 20, whole=True),
    # --- Screening answers (assessments/screening/questions.py; DESIGN.md contract) -----------
    # Symptoms lasting over 20 years are not a running injury to screen.
    # Weeks and counts have no upper bound: the screening contract (DESIGN.md) says "≥ 0".
    "screening.duration_weeks": _b("How long it has hurt", 0, None, " weeks"),
    "screening.pain_now": _b("Pain now", 0, 10, whole=True),  # NPRS 0-10
    "screening.pain_worst_24h": _b("Worst pain in 24 hours", 0, 10, whole=True),
    "screening.pain_running": _b("Pain when running", 0, 10, whole=True),
    # The age question of the red-flag screen keeps its 0-120 (a child can be screened).
    "screening.age_years": _b("Age", 0, 120, " years", whole=True),
    "screening.bone_stress_injuries_2y": _b("Bone stress injuries in 2 years", 0, None, whole=True),
}


def bound(key: str) -> Bound:
    """The range of a clinical number by its key, e.g. "exam.rom.knee_flexion_deg"."""
    return RANGES[key]


def check(key: str, value: Any, *, field: str | None = None) -> None:
    """Raise ValidationError (at `field` when given) for a value outside the range."""
    problem = RANGES[key].problem(value)
    if problem:
        raise ValidationError({field: [problem]} if field else problem)


def problems(values: dict[str, Any], keys: dict[str, str]) -> dict[str, list[str]]:
    """Each field's message for the values outside their range: `keys` maps field to range key."""
    found = {}
    for field, key in keys.items():
        problem = RANGES[key].problem(values.get(field))
        if problem:
            found[field] = [problem]
    return found


@deconstructible
class RangeValidator:
    """A model or form field validator: the value fits the range named by its key."""

    def __init__(self, key: str):
        self.key = key

    def __call__(self, value) -> None:
        problem = RANGES[self.key].problem(value)
        if problem:
            raise ValidationError(problem, code="out_of_range")

    def __eq__(self, other) -> bool:
        return isinstance(other, RangeValidator) and other.key == self.key


def bound_form_field(field, key: str):
    """Give a form field the range: its validator, HTML min/max/step and plain error messages."""
    spec = RANGES[key]
    # The range replaces the field's own limits (a positive integer column's "at least 0"),
    # so one message is given, not two.
    field.validators = [
        v
        for v in field.validators
        if not isinstance(v, MinValueValidator | MaxValueValidator | RangeValidator)
    ]
    field.validators.append(RangeValidator(key))
    field.widget.attrs.update({"min": spec.low, "step": 1 if spec.whole else "any"})
    if spec.high is not None:
        field.widget.attrs["max"] = spec.high
    field.error_messages.update(
        {
            "invalid": spec.whole_message if spec.whole else f"{spec.label} must be a number.",
            "min_value": spec.range_message,
            "max_value": spec.range_message,
        }
    )
    return field


def form_field(key: str, **options):
    """A new form field for the number: IntegerField when whole, else DecimalField (one place)."""
    from django import forms

    spec = RANGES[key]
    if spec.whole:
        field = forms.IntegerField(**options)
    else:
        options.setdefault("decimal_places", 1)
        field = forms.DecimalField(**options)
    return bound_form_field(field, key)


def bind_form(form, keys: dict[str, str]) -> None:
    """Apply ranges to a form's existing fields: `keys` maps field name to range key."""
    for name, key in keys.items():
        if name in form.fields:
            bound_form_field(form.fields[name], key)


def api_number(key: str):
    """The pydantic type of the number for API schemas: same range, same messages as the page."""
    spec = RANGES[key]

    def before(value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{spec.label} must be a number.")
        if spec.whole and isinstance(value, float):
            if not value.is_integer():
                raise ValueError(spec.whole_message)
            return int(value)
        return value

    def after(value):
        problem = spec.problem(value)
        if problem:
            raise ValueError(problem)
        return value

    kind = int if spec.whole else float
    limits = {"minimum": spec.low}
    if spec.high is not None:
        limits["maximum"] = spec.high
    return Annotated[
        kind,
        Field(strict=True, allow_inf_nan=False, json_schema_extra=limits),
        BeforeValidator(before),
        AfterValidator(after),
    ]


class RangeCheck(models.CheckConstraint):
    """The database check of a range (null allowed when the column is), with the field message.

    Model validation (full_clean, ModelForms) checks the value in Python and names the field,
    with no query; the database refuses what bypasses it. It deconstructs as a plain
    CheckConstraint with the numbers, so changing a bound here makes a migration.
    """

    def __init__(self, *, key: str, field: str, name: str, null: bool = True):
        spec = RANGES[key]
        condition = Q(**{f"{field}__gte": spec.low})
        if spec.high is not None:
            condition &= Q(**{f"{field}__lte": spec.high})
        if null:
            condition = Q(**{f"{field}__isnull": True}) | condition
        super().__init__(condition=condition, name=name, violation_error_message=spec.range_message)
        self.key, self.field, self.null = key, field, null

    def clone(self):
        return RangeCheck(key=self.key, field=self.field, name=self.name, null=self.null)

    def deconstruct(self):
        _path, args, kwargs = super().deconstruct()
        return "django.db.models.CheckConstraint", args, kwargs

    def validate(self, model, instance, exclude=None, using=None):
        if exclude and self.field in exclude:
            return
        problem = RANGES[self.key].problem(getattr(instance, self.field))
        if problem:
            raise ValidationError({self.field: [problem]}, code="out_of_range")


def range_checks(prefix: str, table: str, fields: dict[str, bool]) -> list[RangeCheck]:
    """Range checks of a model's fields: `fields` maps field name to whether it may be null."""
    return [
        RangeCheck(key=f"{prefix}.{name}", field=name, name=f"{table}_{name}_range", null=null)
        for name, null in fields.items()
    ]


# --- Dates that make sense ------------------------------------------------------------------
# The oldest and youngest runner the clinic registers: children start with parents' consent.
AGE_MIN, AGE_MAX = 5, 110
# A visit recorded today may be typed late, but not years late: older dates are typos.
VISIT_MAX_DAYS_AGO = 365 * 5


def _today():
    from django.utils import timezone

    return timezone.localdate()


def _as_date(value):
    """A date from a date or ISO text; None for anything else (the field's own check names it)."""
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def visit_date_problem(day, *, what: str = "The visit date") -> str | None:
    """A visit or recording date is today or earlier (within five years); else the message."""
    day = _as_date(day)
    if day is None:
        return None
    today = _today()
    if day > today:
        return f"{what} cannot be in the future."
    if (today - day).days > VISIT_MAX_DAYS_AGO:
        return f"{what} is more than five years ago; check the year."
    return None


def birth_date_problem(born) -> str | None:
    """A date of birth that gives an age from 5 to 110 years; else the message."""
    born = _as_date(born)
    if born is None:
        return None
    today = _today()
    if born > today:
        return "The date of birth cannot be in the future."
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < AGE_MIN:
        return f"The runner would be under {AGE_MIN} years old; check the date of birth."
    if age > AGE_MAX:
        return f"The runner would be over {AGE_MAX} years old; check the date of birth."
    return None


def goal_race_date_problem(day) -> str | None:
    """A goal race still to come (today counts); a race already run is no goal."""
    day = _as_date(day)
    if day is not None and day < _today():
        return "The goal race date is in the past; enter the next race, or leave it empty."
    return None
