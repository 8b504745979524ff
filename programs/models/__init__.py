"""Home exercise programs: the exercise library, templates, versioned programs and the logs.

Every model of the app is imported here, so Django finds them and callers import from one place.
"""

from programs.models.library import (
    IMPACT_TAGS,
    LOADING_TAGS,
    Category,
    Exercise,
    ExerciseQuerySet,
    ProgramTemplate,
    Region,
    TemplateItem,
    TemplateKind,
    TissueChoice,
)
from programs.models.logs import PAIN_HELP, DifficultyChoice, RunLog, SessionEntry, SessionLog
from programs.models.prescribing import (
    DOSE_FIELDS,
    ITEM_RANGES,
    REPS_OR_HOLD_MESSAGE,
    Program,
    ProgramItem,
    ProgramQuerySet,
    ProgramStatus,
    ProgramVersion,
    Side,
    therapist_patients,
)
from programs.models.suggestions import (
    ProgressionSuggestion,
    SuggestionAction,
    SuggestionStatus,
)

__all__ = [
    "DOSE_FIELDS",
    "IMPACT_TAGS",
    "ITEM_RANGES",
    "REPS_OR_HOLD_MESSAGE",
    "LOADING_TAGS",
    "PAIN_HELP",
    "Category",
    "DifficultyChoice",
    "Exercise",
    "ExerciseQuerySet",
    "Program",
    "ProgramItem",
    "ProgramQuerySet",
    "ProgramStatus",
    "ProgramTemplate",
    "ProgramVersion",
    "ProgressionSuggestion",
    "Region",
    "RunLog",
    "SessionEntry",
    "SessionLog",
    "Side",
    "SuggestionAction",
    "SuggestionStatus",
    "TemplateItem",
    "TemplateKind",
    "TissueChoice",
    "therapist_patients",
]
