"""The dose of an exercise in plain words: "3 sets of 10 reps, each side · 3 times a week".

Whole words a runner reads at home ("hold 30 seconds", not "× 30 s"), and weights in pounds
first (US gyms), kilograms beside them as prescribed.

One function for every page: the active language decides the words (English for staff, the
runner's language in the portal). Documents that are English whatever the reader's language
(the record, FHIR, the change list of a version) pass ``language="en"``.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.library_words import in_language


def _duration(seconds: int) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": minutes}
    return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": seconds}


POUNDS_PER_KG = 2.20462


def _weight(kg: float) -> str:
    """ "11 lb (5 kg)": pounds to the nearest whole pound, the prescribed kilograms beside."""
    pounds = max(1, round(kg * POUNDS_PER_KG))
    return _("%(lb)s lb (%(kg)s kg)") % {"lb": pounds, "kg": f"{kg:g}"}


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
    return words.get(side, "")


def _words(item: dict) -> str:
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
        parts.append(in_language(item["tempo"]))
    load = item.get("load") or ""
    if item.get("load_kg"):
        load = _weight(item["load_kg"]) + (
            f", {in_language(load)}" if load and "body" not in load else ""
        )
    else:
        load = in_language(load)
    if load:
        parts.append(load)
    return ", ".join(parts) + " · " + _frequency(item.get("times_per_week") or 1)


def dose_text(item: dict, *, language: str | None = None) -> str:
    """The dose in plain words (sets, reps, holds, side, tempo, load, how often), in the active
    language or in ``language``; the library's load and tempo words too (library_words)."""
    if language is None:
        return _words(item)
    with translation.override(language):
        return _words(item)
