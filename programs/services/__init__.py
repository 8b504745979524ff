"""Every write of the programs app goes through these keyword-only service functions."""

from programs.services.library import library_load
from programs.services.logs import run_log, run_next_morning, session_log, session_next_morning
from programs.services.prescribing import (
    program_create_blank,
    program_create_from_template,
    program_end,
    program_item_add,
    program_item_move,
    program_item_remove,
    program_item_update,
    program_items_reorder,
    program_publish,
    program_update,
)
from programs.services.suggestions import (
    suggestion_approve,
    suggestion_dismiss,
    suggestions_generate,
)

__all__ = [
    "library_load",
    "program_create_blank",
    "program_create_from_template",
    "program_end",
    "program_item_add",
    "program_item_move",
    "program_item_remove",
    "program_item_update",
    "program_items_reorder",
    "program_publish",
    "program_update",
    "run_log",
    "run_next_morning",
    "session_log",
    "session_next_morning",
    "suggestion_approve",
    "suggestion_dismiss",
    "suggestions_generate",
]
