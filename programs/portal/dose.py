"""The dose of an exercise in the runner's language: "3 sets of 15 reps · 3 times a week".

``programs.versions.dose_text`` stays the English of the therapist's pages and the API; the
runner's pages say the same in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _duration(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}


def _frequency(times: int) -> str:
    if times == 7:
        return _("every day")
    if times > 7 and times % 7 == 0:
        per_day = times // 7
        return _("twice a day") if per_day == 2 else _("%(n)s times a day") % {"n": per_day}
    if times == 1:
        return _("once a week")
    return _("%(n)s times a week") % {"n": times}


def _side(side: str) -> str:
    words = {
        "each": _("each side"),
        "affected": _("on the painful side"),
        "left": _("left side"),
        "right": _("right side"),
    }
    return words.get(side or "both", "")


def dose_words(item: dict) -> str:
    """The dose in plain words in the active language (sets, reps, holds, side, load, how often)."""
    sets = item.get("sets") or 1
    reps, hold = item.get("reps"), item.get("hold_seconds")
    set_text = ngettext("%(n)s set", "%(n)s sets", sets) % {"n": sets}
    if reps and hold:
        what = _("%(sets)s of %(reps)s reps, hold each %(hold)s") % {
            "sets": set_text,
            "reps": reps,
            "hold": _duration(hold),
        }
    elif reps:
        what = _("%(sets)s of %(reps)s reps") % {"sets": set_text, "reps": reps}
    else:
        what = _("%(sets)s, hold %(hold)s") % {"sets": set_text, "hold": _duration(hold or 0)}
    parts = [what]
    side = _side(item.get("side") or "both")
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
