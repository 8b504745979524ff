"""What the assessments app publishes to the apps built on it, besides the safety gate."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from assessments.models import Evaluation


def linkable_evaluations(patients):
    """The evaluations of these patients a program may carry out, newest first, with the patient."""
    return (
        Evaluation.objects.filter(patient__in=patients)
        .select_related("patient")
        .order_by("-evaluated_on", "-id")
    )


def due_questionnaires(*, patient) -> list:
    """The questionnaires (outcome measures) a runner should fill now, for their home page.

    Each has ``schedule``, ``timepoint``, ``instrument``, ``name`` (in the active language, as
    the runner reads it) and ``due_on`` (two queries).
    """
    from django.utils.translation import get_language

    from assessments.proms.registry import INSTRUMENTS
    from assessments.selectors import due_measures  # published through this module only

    due = due_measures(patient=patient)
    language = get_language()
    for measure in due:
        if measure.instrument in INSTRUMENTS:
            measure.name = INSTRUMENTS[measure.instrument].name_in(language)
    return due


# --- Programs on the chart -------------------------------------------------------------------
@dataclass(frozen=True)
class ChartProgram:
    """A home program as the chart shows it: what, for which condition, since when, and where."""

    title: str
    condition: str  # the condition's name in words, "" when the program has none
    status: str  # "draft", "active" or "ended"
    status_label: str
    since: dt.datetime  # first published (or created, for a draft)
    url: str


_chart_programs: Callable[[Any, int], list[ChartProgram]] | None = None


def register_chart_programs(source: Callable[[Any, int], list[ChartProgram]]) -> None:
    """Programs registers here (from ``ProgramsConfig.ready``) how to list a patient's programs.

    Why a hook and not a composition in ``dangpt/wiring``: the chart is an assessments page, its
    view and template belong here, and the import contracts forbid assessments to import
    programs. Composing the page in the wiring would move the chart view out of the app that
    owns it (and every chart test with it) for one section. With the hook, assessments names the
    shape it needs (``ChartProgram``), programs fills it with one query, and a project without
    programs installed still renders the chart (no programs listed).
    """
    global _chart_programs
    _chart_programs = source


def chart_programs(*, patient, limit: int) -> list[ChartProgram]:
    """The patient's programs, newest first (at most ``limit``; one query when registered)."""
    if _chart_programs is None:
        return []
    return _chart_programs(patient, limit)
