"""The run log as the runner reads it: the load warning in plain words, in their unit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from dangpt import units
from programs.rules import load

# Frandsen 2025 (reference/clinical.md §7.1): the study the spike check follows.
SPIKE_SOURCE_URL = "https://doi.org/10.1136/bjsports-2024-109380"


def _next_step(level: str) -> str:
    if level in ("small", "moderate"):
        # The study found more injuries past 10%, with no safer zone inside 10–30%.
        return _("Keep your next runs within about 10% of your longest run of the last 30 days.")
    return _(
        "Go back to your usual distance for the next runs, build up in small steps, and tell "
        "your therapist if anything hurts tomorrow morning."
    )


def load_warning_text(warning: dict | None, *, run_km, unit: str) -> str:
    """The stored ``load_warning`` in plain words in the runner's language and unit ("" if none).

    The API keeps the stored English ``message``; the pages say the same thing from the level
    and the ratio, so it reads in Spanish too and gives distances in miles where the runner
    uses miles.
    """
    if not warning:
        return ""
    if warning["level"] == load.FIRST_RUN_BACK:
        return _(
            "This is your first logged run in 30 days, and after a break your legs are less used "
            "to running. Build up gradually: short runs with walking breaks, every other day, "
            "are the usual way back, rather than going straight back to your old distance. If "
            "your therapist gave you a walk-run plan, keep to it, and tell them if anything "
            "hurts the next morning."
        )
    ratio = float(warning["ratio"])
    reference_km = float(run_km) / ratio if ratio else 0.0
    if load.from_intake(warning):
        facts = _(
            "This run was about %(ratio)s times as long as the longest run you reported when "
            "you registered. In a large study of runners, single runs more than 10%% longer "
            "than their recent longest went with more injuries."
        )
    else:
        facts = _(
            "This run was about %(ratio)s times as long as your longest run in the 30 days "
            "before it. In a large study of runners, single runs more than 10%% longer than "
            "their recent longest went with more injuries."
        )
    facts = facts % {"ratio": units.ratio_text(ratio)}
    target = _("Runs up to about %(distance)s stay within that 10%%.") % {
        "distance": units.distance_text(reference_km * load.SPIKE_RATIO, unit)
    }
    return f"{facts} {_next_step(warning['level'])} {target}"


def load_warning_label(warning: dict | None) -> str:
    """The short line a past run's warning shows in the list ("" if none)."""
    if not warning:
        return ""
    if warning["level"] == load.FIRST_RUN_BACK:
        return _("First run after a break of 30 days or more")
    ratio = units.ratio_text(float(warning["ratio"]))
    if warning["level"] == "small":
        text = _(
            "10–30%% longer than your longest run of the previous 30 days (about %(ratio)s times)"
        )
    elif warning["level"] == "moderate":
        text = _(
            "30–100%% longer than your longest run of the previous 30 days (about %(ratio)s times)"
        )
    else:
        text = _("More than double your longest run of the 30 days before (about %(ratio)s times)")
    return text % {"ratio": ratio}
