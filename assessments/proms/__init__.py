"""Patient-reported outcome measures (PROMs): definitions, scoring and change classification.

Pure Python with no Django imports, so the scoring rules can be unit tested on their own. The
item definitions are data in ``definitions/*.json``; full licensed wording is overlaid from a
clinic-supplied file with ``load_wording`` (see ``WORDING.md``). ``schedule`` says when each
measure is due. Only ``clinic_wording`` reads a Django setting, and nothing here imports it.
"""

from .errors import InvalidAnswers, UnknownInstrument, WordingError
from .registry import INSTRUMENTS, Instrument, Item, Option, describe
from .scoring import ChangeClass, classify_change, describe_change, mcid_at, score
from .wording import load_wording, reset_wording

__all__ = [
    "INSTRUMENTS",
    "ChangeClass",
    "Instrument",
    "InvalidAnswers",
    "Item",
    "Option",
    "UnknownInstrument",
    "WordingError",
    "classify_change",
    "describe",
    "describe_change",
    "load_wording",
    "mcid_at",
    "reset_wording",
    "score",
]
