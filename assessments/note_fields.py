"""The two structured JSON fields of a note, `exam` and `running_profile`: their schemas for
input, and defensive readers for rows stored before the schemas existed.

Input is checked strictly (unknown keys and wrong types are errors); stored rows are read
leniently: what fits the schema is shown, anything else is left out, never a server error. A
signed note cannot be changed (a trigger locks it), so its reader must cope with whatever it holds.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic import ValidationError as SchemaError

from assessments import exam as exam_fields
from dangpt.clinical_ranges import api_number
from dangpt.staff_units import miles_text
from patients.models import RunningProfile, Surface

STRICT = ConfigDict(extra="forbid")


def _sides(group: str, key: str) -> type[BaseModel]:
    """One measure, left and right, each in the measure's range; a side not measured is left out."""
    number = api_number(f"exam.{group}.{key}")
    return create_model(
        f"{group.title()}_{key}",
        __config__=STRICT,
        __doc__="One measure, left and right; a side that was not measured is left out.",
        left=(number | None, None),
        right=(number | None, None),
    )


def _group(name: str, group: str, keys) -> type[BaseModel]:
    fields = {key: (_sides(group, key) | None, None) for key, _label in keys}
    return create_model(name, __config__=STRICT, **fields)


RomIn = _group("RomIn", "rom", exam_fields.ROM)
StrengthIn = _group("StrengthIn", "strength", exam_fields.STRENGTH)
SpecialTestsIn = create_model(
    "SpecialTestsIn",
    __config__=STRICT,
    **{key: (Literal["positive", "negative"] | None, None) for key, _ in exam_fields.SPECIAL_TESTS},
)


class ExamIn(BaseModel):
    """The structured exam: range of motion and strength per side, special test results."""

    model_config = STRICT
    rom: RomIn | None = None
    strength: StrengthIn | None = None
    special_tests: SpecialTestsIn | None = None


def _text(limit: int):
    return Annotated[str, Field(max_length=limit, strict=True)]


class RunningProfileIn(BaseModel):
    """The running profile as a note snapshots it (the intake fields, RunningProfile)."""

    model_config = STRICT
    years_running: api_number("running_profile.years_running") | None = None
    runs_per_week: api_number("running_profile.runs_per_week") | None = None
    weekly_km: api_number("running_profile.weekly_km") | None = None
    longest_run_km_30d: api_number("running_profile.longest_run_km_30d") | None = None
    goal_race: _text(120) | None = None
    goal_race_date: dt.date | None = None
    surfaces: list[Surface] | None = None
    current_shoes: _text(120) | None = None
    shoes_km: api_number("running_profile.shoes_km") | None = None
    previous_injuries: _text(5000) | None = None


assert set(RunningProfileIn.model_fields) == set(RunningProfile.INTAKE_FIELDS)  # noqa: S101

SCHEMAS: dict[str, type[BaseModel]] = {"exam": ExamIn, "running_profile": RunningProfileIn}


def dump(value: BaseModel) -> dict[str, Any]:
    """The JSON stored for a validated field: measured values only, dates as ISO text."""
    return value.model_dump(mode="json", exclude_none=True)


def validate_note_json(field: str, value: Any) -> dict[str, Any]:
    """Check one JSON field of a note and return what to store; ValidationError names the key."""
    try:
        return dump(SCHEMAS[field].model_validate(value))
    except SchemaError as error:
        raise ValidationError(
            {
                ".".join([field, *(str(p) for p in e["loc"])]): [e["msg"]]
                for e in error.errors(include_url=False)
            }
        ) from None


# --- Reading stored rows ----------------------------------------------------------------------


def _fits(model: type[BaseModel], key: str, value: Any) -> bool:
    try:
        model.model_validate({key: value})
    except SchemaError:
        return False
    return True


def stored_exam(value: Any) -> dict[str, Any]:
    """The parts of a stored exam that fit the schema; malformed parts are left out."""
    if not isinstance(value, dict):
        return {}
    kept: dict[str, Any] = {}
    for group, model in (
        ("rom", RomIn),
        ("strength", StrengthIn),
        ("special_tests", SpecialTestsIn),
    ):
        rows = value.get(group)
        if not isinstance(rows, dict):
            continue
        fitting = {key: row for key, row in rows.items() if _fits(model, str(key), row)}
        if fitting:
            kept[group] = dump(model.model_validate(fitting))
    return kept


def stored_running_profile(value: Any) -> dict[str, Any]:
    """The fields of a stored running-profile snapshot that fit the schema."""
    if not isinstance(value, dict):
        return {}
    fitting = {key: item for key, item in value.items() if _fits(RunningProfileIn, str(key), item)}
    return dump(RunningProfileIn.model_validate(fitting))


# Staff read the snapshot's distances in miles (dangpt.staff_units): label, whole or a tenth.
MILES_ROWS = {
    "weekly_km": ("Weekly distance", False),
    "longest_run_km_30d": ("Longest run in the last 30 days", False),
    "shoes_km": ("Distance on current shoes", True),
}


def running_profile_rows(value: Any, *, miles: bool = True) -> list[dict[str, Any]]:
    """Label and value of each field of a stored snapshot, in intake order, for display.

    Distances in miles for staff pages and letters ("26.1 mi"); ``miles=False`` keeps the
    stored kilometres, as the JSON record has them (the kilometre contract)."""
    profile = stored_running_profile(value)
    labels = {f.name: f.verbose_name for f in RunningProfile._meta.get_fields() if f.concrete}
    rows = []
    for key in RunningProfile.INTAKE_FIELDS:
        if key not in profile:
            continue
        shown = profile[key]
        label = str(labels[key]).capitalize()
        if key == "surfaces":
            names = dict(Surface.choices)
            shown = ", ".join(names[s] for s in shown)
        elif miles and key in MILES_ROWS:
            label, whole = MILES_ROWS[key]
            shown = miles_text(shown, whole=whole)
        rows.append({"label": label, "value": shown})
    return rows
