"""Distances as the runner thinks of them: the database keeps kilometres, a runner may read and
type miles."""

from decimal import ROUND_HALF_UP, Decimal

KM_PER_MILE = Decimal("1.609344")
TENTH = Decimal("0.1")


def km_to_miles(km) -> Decimal | None:
    """Kilometres as miles, to a tenth; None stays None."""
    if km is None:
        return None
    return (Decimal(km) / KM_PER_MILE).quantize(TENTH, rounding=ROUND_HALF_UP)


def miles_to_km(miles) -> Decimal | None:
    """Miles as kilometres, to a tenth; None stays None."""
    if miles is None:
        return None
    return (Decimal(miles) * KM_PER_MILE).quantize(TENTH, rounding=ROUND_HALF_UP)
