"""Clinic-supplied full wording for licensed instruments, overlaid on the shipped definitions.

The shipped definitions carry only short paraphrased labels for licensed instruments. A clinic
that holds permission to show the full text keeps it in a private JSON file (outside the
repository) of this shape::

    {
      "visa_a": {
        "version": "VISA-A English, BJSM 2001; permission letter 2025-03-01",
        "items": {
          "q1": {
            "label": "Full question text ...",
            "options": {"0": "100 mins", "10": "0 mins"}
          },
          "q7": {"options": {"not_at_all": "Full option text ..."}}
        }
      }
    }

- Top-level keys are instrument codes; ``items`` keys are item ids (see ``describe(code)``).
- ``label`` replaces the item label; ``options`` maps an option *value*, written as a string
  (``"4"`` for the integer 4, ``"na"`` for FAAM's N/A), to its replacement label.
- Every key is optional: what the file leaves out keeps the shipped paraphrase. ``version`` is
  free text kept as ``INSTRUMENTS[code].wording_version`` for the audit trail.
- Unknown instruments, items, options or keys are errors, so a typo never silently falls back
  to the paraphrase. Nothing is applied unless the whole file is valid.

A language section (``"es": {"version", "name", "items"}`` inside an instrument) is a validated
translation, shown to a runner who reads that language. It is all or nothing: every item and
option label must be given (numerals may be left out), checked as strictly as the English text.
Without one, a Spanish-speaking runner sees the English wording with a note, never an ad-hoc
translation.

Only labels change. Item ids, option values, points, and therefore scores never depend on the
wording file. The SHA-256 of the file is kept on each overlaid instrument
(``INSTRUMENTS[code].wording_sha256``) so an administration can record which text was shown.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Mapping
from typing import Any

from .errors import WordingError
from .registry import (
    INSTRUMENTS,
    SHIPPED,
    TRANSLATED_LANGUAGES,
    Instrument,
    Item,
    install,
    is_text,
    translation_from_spec,
)

_INSTRUMENT_KEYS = {"items", "version", *TRANSLATED_LANGUAGES}
_ITEM_KEYS = {"label", "options"}


def load_wording(path: str | os.PathLike[str]) -> Mapping[str, Instrument]:
    """Overlay the wording file at ``path`` on the shipped definitions; returns INSTRUMENTS.

    Each call starts again from the shipped definitions, so it replaces any earlier overlay.
    Raises WordingError listing every problem when the file cannot be read or applied.
    """
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise WordingError([f"{os.fspath(path)}: {exc}"]) from exc
    digest = hashlib.sha256(raw).hexdigest()
    problems: list[str] = []
    if not isinstance(data, dict):
        raise WordingError(["the file must hold a JSON object keyed by instrument code"])
    overlaid = dict(SHIPPED)
    for code, spec in data.items():
        if code not in SHIPPED:
            problems.append(f"{code}: unknown instrument")
            continue
        overlaid[code] = _overlay_instrument(SHIPPED[code], spec, digest, problems)
    if problems:
        raise WordingError(problems)
    install(overlaid)
    return INSTRUMENTS


def reset_wording() -> None:
    """Drop any overlay and go back to the shipped labels."""
    install(dict(SHIPPED))


def _overlay_instrument(
    instrument: Instrument, spec: Any, digest: str, problems: list[str]
) -> Instrument:
    code = instrument.code
    if not isinstance(spec, dict):
        problems.append(f"{code}: must be an object")
        return instrument
    problems.extend(f"{code}.{key}: unknown key" for key in sorted(set(spec) - _INSTRUMENT_KEYS))
    if "version" in spec and not isinstance(spec["version"], str):
        problems.append(f"{code}.version: must be a string")
    item_specs = spec.get("items", {})
    if not isinstance(item_specs, dict):
        problems.append(f"{code}.items: must be an object keyed by item id")
        return instrument
    known = {item.id for item in instrument.items}
    problems.extend(
        f"{code}.items.{item_id}: unknown item" for item_id in item_specs if item_id not in known
    )
    items = tuple(
        _overlay_item(item, item_specs[item.id], f"{code}.items.{item.id}", problems)
        if item.id in item_specs
        else item
        for item in instrument.items
    )
    version = spec.get("version") if isinstance(spec.get("version"), str) else None
    translations = {t.language: t for t in instrument.translations}
    for language in TRANSLATED_LANGUAGES:
        if language in spec:
            where = f"{code}.{language}"
            translated = translation_from_spec(
                instrument, language, spec[language], where, problems
            )
            if translated is not None:
                translations[language] = translated
    return dataclasses.replace(
        instrument,
        items=items,
        wording_sha256=digest,
        wording_version=version,
        translations=tuple(translations.values()),
    )


def _overlay_item(item: Item, spec: Any, where: str, problems: list[str]) -> Item:
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be an object")
        return item
    problems.extend(f"{where}.{key}: unknown key" for key in sorted(set(spec) - _ITEM_KEYS))
    label = spec.get("label", item.label)
    if not is_text(label):
        problems.append(f"{where}.label: must be a non-empty string")
        label = item.label
    option_labels = spec.get("options", {})
    if not isinstance(option_labels, dict):
        problems.append(f"{where}.options: must be an object keyed by option value")
        option_labels = {}
    by_value = {str(option.value): option for option in item.options}
    for value, text in option_labels.items():
        if value not in by_value:
            problems.append(f"{where}.options.{value}: unknown option value")
        elif not is_text(text):
            problems.append(f"{where}.options.{value}: must be a non-empty string")
    options = tuple(
        dataclasses.replace(option, label=option_labels[str(option.value)])
        if is_text(option_labels.get(str(option.value)))
        else option
        for option in item.options
    )
    return dataclasses.replace(item, label=label, options=options)
