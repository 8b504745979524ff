"""The library's own words (load and tempo of a dose, template names and item notes) in the
runner's language.

A program copies these words from the library when it is prescribed (``ProgramItem.load``,
``tempo``, ``notes``, ``Program.title``) and a therapist may change them. At render time a word
still as the library wrote it reads in Spanish when the active language is Spanish; words a
therapist typed are shown as typed. The Spanish lives beside the English at the source:
``dosage_words`` in exercises_es.json, ``name_es`` and ``note_es`` in templates.json.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from django.utils.translation import get_language

LIBRARY_DIR = Path(__file__).resolve().parent / "library"


@functools.cache
def _spanish() -> dict[str, str]:
    """English → Spanish for every library word a runner may read."""
    words = dict(
        json.loads((LIBRARY_DIR / "exercises_es.json").read_text(encoding="utf-8"))["dosage_words"]
    )
    templates = json.loads((LIBRARY_DIR / "templates.json").read_text(encoding="utf-8"))

    def walk(node):
        if isinstance(node, dict):
            if node.get("note") and node.get("note_es"):
                words[node["note"]] = node["note_es"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for template in templates["templates"]:
        if template.get("name_es"):
            words[template["name"]] = template["name_es"]
        walk(template)
    return words


def in_language(text: str) -> str:
    """``text`` in the active language when it is one of the library's words, else as is."""
    if not text or not (get_language() or "").startswith("es"):
        return text
    return _spanish().get(text.strip(), text)
