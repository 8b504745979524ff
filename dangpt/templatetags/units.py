"""Template filters for distances and paces in a runner's unit (see dangpt.units)."""

from django import template

from dangpt import units

register = template.Library()


@register.filter
def distance(km, unit: str) -> str:
    """A distance stored in km, in ``unit`` to one decimal: ``{{ km|distance:unit }}``."""
    if km is None or km == "":
        return "–"
    return units.distance_text(km, unit or units.MILES)


@register.filter
def pace(run, unit: str) -> str:
    """A run's pace per mile or kilometre: ``{{ run|pace:unit }}``."""
    return units.pace_text(run.distance_km, run.duration_min, unit or units.MILES)
