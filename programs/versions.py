"""Snapshots of program items, the difference between two versions, and dosage in plain words."""

from __future__ import annotations

from decimal import Decimal

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
SIDE_WORDS = {
    "both": "",
    "each": "each side",
    "affected": "on the painful side",
    "left": "left side",
    "right": "right side",
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
            changes.append(f"Added {item['exercise_name']} ({dose_text(item)})")
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


def _frequency(times: int) -> str:
    if times == 7:
        return "every day"
    if times > 7 and times % 7 == 0:
        per_day = times // 7
        return "twice a day" if per_day == 2 else f"{per_day} times a day"
    if times == 1:
        return "once a week"
    return f"{times} times a week"


def dose_text(item: dict) -> str:
    """The dose in plain words, e.g. "3 sets of 10 reps, each side, 3 s down · 3 times a week"."""
    sets = item.get("sets") or 1
    reps, hold = item.get("reps"), item.get("hold_seconds")
    set_word = "set" if sets == 1 else "sets"
    if reps and hold:
        what = f"{sets} {set_word} of {reps} reps, hold each {_duration(hold)}"
    elif reps:
        what = f"{sets} {set_word} of {reps} reps"
    else:
        what = f"{sets} × {_duration(hold or 0)}"
    parts = [what]
    side = SIDE_WORDS.get(item.get("side") or "both", "")
    if side:
        parts.append(side)
    if item.get("tempo"):
        parts.append(item["tempo"])
    load = item.get("load") or ""
    if item.get("load_kg"):
        load = f"{item['load_kg']:g} kg" + (f" ({load})" if load and "body" not in load else "")
    if load:
        parts.append(load)
    return ", ".join(parts) + " · " + _frequency(item.get("times_per_week") or 1)


def _duration(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return f"{minutes} min"
    return f"{seconds} s"
