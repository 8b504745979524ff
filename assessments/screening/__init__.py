"""Screening of a runner's answers for six running injuries: pure Python, no Django.

Decision support for the treating physiotherapist, never a diagnosis.
"""

from .engine import (
    CONDITION_CODES,
    FEATURE_LABELS,
    RULESET_VERSION,
    SUSPECTED_BSI_MESSAGE,
    screen,
)
from .questions import EXAM_FINDINGS, HIGH_RISK_REGIONS, NO_SELF_PRESS_REGIONS, QUESTIONS
from .validation import ScreeningValidationError, validate_answers

__all__ = [
    "CONDITION_CODES",
    "EXAM_FINDINGS",
    "FEATURE_LABELS",
    "HIGH_RISK_REGIONS",
    "NO_SELF_PRESS_REGIONS",
    "QUESTIONS",
    "RULESET_VERSION",
    "SUSPECTED_BSI_MESSAGE",
    "ScreeningValidationError",
    "screen",
    "validate_answers",
]
