"""Template filters for distances and paces in a runner's unit (see dangpt.units), and staff
pages' miles and mph (see dangpt.staff_units)."""

from django import template

from dangpt import staff_units, units

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


@register.filter
def miles(km, whole: str = "") -> str:
    """A distance stored in km as staff read it: ``{{ km|miles }}`` "26.1 mi",
    ``{{ km|miles:"whole" }}`` "311 mi" (shoe mileage); "—" when empty."""
    return staff_units.miles_text(km, whole=whole == "whole")


@register.filter
def speed(kmh) -> str:
    """A speed stored in km/h, mph first: ``{{ kmh|speed }}`` "6.2 mph (10.0 km/h)"."""
    return staff_units.speed_text(kmh)
