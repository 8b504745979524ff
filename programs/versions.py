"""Snapshots of program items and the difference between two versions (the dose in words is
``programs.dose``)."""

from __future__ import annotations

from decimal import Decimal

from programs.dose import dose_text
from programs.models import DOSE_FIELDS

FIELD_LABELS = {
    "sets": "sets",
    "reps": "reps",
    "hold_seconds": "hold",
    "load": "load",
    "load_kg": "load (kg)",
    "tempo": "tempo",
    "times_per_week": "times a week",
    "side": "side",
    "notes": "notes",
    "phase": "phase",
}


def _plain(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def snapshot_item(item, order: int) -> dict:
    """The JSON a version keeps of one item (names copied so old versions read as published)."""
    data = {field: _plain(getattr(item, field)) for field in DOSE_FIELDS}
    data.update(
        item_id=item.pk,
        exercise_id=item.exercise_id,
        exercise_slug=item.exercise.slug,
        exercise_name=item.exercise.name,
        tags=list(item.exercise.contraindication_tags),
        order=order,
    )
    return data


def _show(field: str, value) -> str:
    if value in (None, ""):
        return "none"
    if field == "hold_seconds":
        return f"{value} s"
    if field == "load_kg":
        return f"{value:g} kg"
    return str(value)


def diff_items(old: list[dict], new: list[dict], *, old_phase=None, new_phase=None) -> list[str]:
    """What changed from ``old`` to ``new``, one plain sentence per change (empty when equal)."""
    changes: list[str] = []
    if old_phase is not None and new_phase is not None and old_phase != new_phase:
        changes.append(f"Current phase: {old_phase} → {new_phase}")
    before = {item["item_id"]: item for item in old}
    after = {item["item_id"]: item for item in new}
    for item in new:
        if item["item_id"] not in before:
            dose = dose_text(item, language="en")
            changes.append(f"Added {item['exercise_name']} ({dose})")
    for item in old:
        if item["item_id"] not in after:
            changes.append(f"Removed {item['exercise_name']}")
    for item in new:
        previous = before.get(item["item_id"])
        if previous is None:
            continue
        fields = [
            f"{FIELD_LABELS[f]} {_show(f, previous.get(f))} → {_show(f, item.get(f))}"
            for f in DOSE_FIELDS
            if previous.get(f) != item.get(f)
        ]
        if fields:
            changes.append(f"{item['exercise_name']}: {', '.join(fields)}")
    kept_old = [i for i in before if i in after]
    kept_new = [i for i in after if i in before]
    if kept_old != kept_new:
        changes.append("Order changed: " + ", ".join(after[i]["exercise_name"] for i in kept_new))
    return changes
