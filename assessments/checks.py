"""System checks of the assessments app."""

from django.core.checks import Error, register

from assessments.screening import CONDITION_CODES as SCREENED_CODES
from dangpt.conditions import CONDITION_CODES


@register()
def screening_conditions_check(app_configs=None, **kwargs) -> list[Error]:
    """The screening rules score exactly the six conditions of dangpt.conditions, in order."""
    if SCREENED_CODES == CONDITION_CODES:
        return []
    return [
        Error(
            f"The screening rules define {SCREENED_CODES}, not {CONDITION_CODES}.",
            hint="Edit assessments/screening/rules.json to score the six shared conditions.",
            id="assessments.E001",
        )
    ]
