"""Distances as the runner thinks of them: the database keeps kilometres, a runner may read and
type miles. The conversions are dangpt.units', to a tenth as dangpt.staff_units rounds them."""

from decimal import Decimal

from dangpt.staff_units import km, miles


def km_to_miles(km_value) -> Decimal | None:
    """Kilometres as miles, to a tenth; None stays None."""
    return miles(km_value)


def miles_to_km(miles_value) -> Decimal | None:
    """Miles as kilometres, to a tenth; None stays None."""
    return km(miles_value)
