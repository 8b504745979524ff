"""Instrument definitions: loaded from ``definitions/*.json`` into frozen dataclasses.

Each JSON file describes one instrument and is named after its ``id``. Keys: ``id``, ``name``,
``version``, ``wording`` (``full`` or ``paraphrased``), ``direction`` (``higher_better`` /
``lower_better``), ``max``, ``scoring`` (``{"method": "sum"}`` or ``{"method":
"percent_of_answered", "min_scored": n, "decimals": 1}``), ``mcid`` (``value``, ``reference``),
``mdc`` (``value``, ``confidence``, ``reference``, or null when unknown), ``licence``, ``source``,
``notes`` (uncertain figures are marked UNCERTAIN), optional ``option_sets`` and ``items``,
optional ``short_name`` (for buttons) and ``retired`` (kept for scoring and old results, not
offered for new recordings), optional ``translations`` (``{"es": {"name", "items"}}``, the same
form as a language section of the clinic's wording file, see ``WORDING.md``; only instruments
that are not licensed, the NPRS, ship one), optional ``names`` (``{"es": "..."}``: the name as a
runner reads it in that language, acronym kept, for the pages that list or link the
questionnaire; it translates the title only, never the validated wording).

Options are ``[value, points, label]`` triples, inline or named from ``option_sets``; ``points``
is ``null`` for a "not applicable" answer. Items that share a ``branch`` (VISA-A 8A/8B/8C) are
alternatives: the respondent answers exactly one of them.

The definitions are checked when the module is imported, so a malformed file fails loudly at
start-up rather than producing a wrong score later.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Any, Literal

from .errors import UnknownInstrument

Direction = Literal["higher_better", "lower_better"]
DIRECTIONS = ("higher_better", "lower_better")
METHODS = ("sum", "percent_of_answered")
#: Languages besides English that an instrument can be shown in (validated versions only).
TRANSLATED_LANGUAGES = ("es",)
_TRANSLATION_KEYS = {"name", "version", "items"}
_ITEM_KEYS = {"label", "options"}


@dataclass(frozen=True)
class Option:
    value: int | str
    points: int | None
    label: str


@dataclass(frozen=True)
class Item:
    id: str
    label: str
    options: tuple[Option, ...]
    branch: str | None = None

    @property
    def max_points(self) -> int:
        return max(o.points for o in self.options if o.points is not None)


@dataclass(frozen=True)
class Translation:
    """An instrument's wording in another language: every item and option, same ids and values."""

    language: str
    name: str
    items: tuple[Item, ...]
    version: str | None = None


@dataclass(frozen=True)
class Scoring:
    method: str
    min_scored: int | None = None
    decimals: int = 1


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    items: tuple[Item, ...]
    max: int
    direction: Direction
    mcid: dict[str, Any]
    mdc: dict[str, Any] | None
    scoring: Scoring
    licence: str
    source: str
    wording: str
    notes: tuple[str, ...]
    wording_sha256: str | None = None
    wording_version: str | None = None
    short_name: str = ""
    retired: bool = False
    translations: tuple[Translation, ...] = ()
    # The name as a runner reads it, by language ("es"), where no validated wording is loaded.
    names: MappingProxyType = dataclasses.field(default_factory=lambda: MappingProxyType({}))

    @property
    def button_label(self) -> str:
        """A short name for buttons and tables, e.g. LEFS or NPRS, worst in 24 h."""
        return self.short_name or self.code.upper().replace("_", "-")

    def translation(self, language: str | None) -> Translation | None:
        """The validated wording in ``language`` (e.g. ``es`` or ``es-mx``), or None."""
        code = (language or "").split("-")[0].lower()
        return next((t for t in self.translations if t.language == code), None)

    def name_in(self, language: str | None) -> str:
        """The instrument's name in ``language``: the validated wording's name when one is loaded,
        else the name a runner reads in that language (``names``), else in English."""
        translation = self.translation(language)
        if translation is not None:
            return translation.name
        code = (language or "").split("-")[0].lower()
        return self.names.get(code) or self.name

    def wording_version_in(self, language: str | None) -> str:
        """Which text a respondent saw: the translation's version, or the English one's."""
        translation = self.translation(language)
        if translation is not None:
            return f"{translation.language}: {translation.version or 'shipped translation'}"
        return self.wording_version or ""

    def item(self, item_id: str) -> Item | None:
        return next((item for item in self.items if item.id == item_id), None)

    def branches(self) -> dict[str, tuple[Item, ...]]:
        """Alternative items grouped by branch name, in the instrument's order."""
        groups: dict[str, list[Item]] = {}
        for item in self.items:
            if item.branch:
                groups.setdefault(item.branch, []).append(item)
        return {name: tuple(items) for name, items in groups.items()}


def _parse_options(raw: Any, option_sets: dict[str, Any]) -> tuple[Option, ...]:
    triples = option_sets[raw] if isinstance(raw, str) else raw
    return tuple(Option(value=v, points=p, label=label) for v, p, label in triples)


def parse_definition(data: dict[str, Any]) -> Instrument:
    """Build an Instrument from one definition file's JSON and check that it is consistent."""
    option_sets = data.get("option_sets", {})
    items = tuple(
        Item(
            id=raw["id"],
            label=raw["label"],
            options=_parse_options(raw["options"], option_sets),
            branch=raw.get("branch"),
        )
        for raw in data["items"]
    )
    instrument = Instrument(
        code=data["id"],
        name=data["name"],
        version=data["version"],
        items=items,
        max=data["max"],
        direction=data["direction"],
        mcid=dict(data["mcid"]),
        mdc=dict(data["mdc"]) if data.get("mdc") else None,
        scoring=Scoring(**data["scoring"]),
        licence=data["licence"],
        source=data["source"],
        wording=data["wording"],
        notes=tuple(data.get("notes", ())),
        short_name=data.get("short_name", ""),
        retired=bool(data.get("retired", False)),
        names=MappingProxyType(dict(data.get("names") or {})),
    )
    problems = definition_problems(instrument)
    problems.extend(
        f"names.{code}: unknown language or blank name"
        for code, name in instrument.names.items()
        if code not in TRANSLATED_LANGUAGES or not isinstance(name, str) or not name.strip()
    )
    translations = []
    for language, spec in (data.get("translations") or {}).items():
        translation = translation_from_spec(instrument, language, spec, language, problems)
        if translation is not None:
            translations.append(translation)
    instrument = dataclasses.replace(instrument, translations=tuple(translations))
    if problems:
        raise ValueError(f"PROM definition {instrument.code!r} is inconsistent: {problems}")
    return instrument


def definition_problems(instrument: Instrument) -> list[str]:
    """Every inconsistency in a definition (empty when it can be scored safely)."""
    problems = []
    ids = [item.id for item in instrument.items]
    if len(set(ids)) != len(ids):
        problems.append("duplicate item ids")
    if instrument.direction not in DIRECTIONS:
        problems.append(f"direction must be one of {DIRECTIONS}")
    if instrument.scoring.method not in METHODS:
        problems.append(f"scoring method must be one of {METHODS}")
    if not instrument.mcid.get("value", 0) > 0 or not instrument.mcid.get("reference"):
        problems.append("mcid needs a positive value and a reference")
    for interval in instrument.mcid.get("intervals", ()):
        if not interval.get("weeks", 0) > 0 or not interval.get("value", 0) > 0:
            problems.append("each mcid interval needs positive weeks and value")
    if instrument.mdc is not None and not instrument.mdc.get("value", 0) > 0:
        problems.append("mdc needs a positive value")
    for item in instrument.items:
        values = [o.value for o in item.options]
        if len(set(values)) != len(values) or not item.label:
            problems.append(f"{item.id}: duplicate option values or empty label")
        if any(isinstance(v, bool) or not isinstance(v, int | str) for v in values):
            problems.append(f"{item.id}: option values must be integers or strings")
        if any(o.points is not None and o.points < 0 for o in item.options):
            problems.append(f"{item.id}: negative points")
        has_na = any(o.points is None for o in item.options)
        if has_na and instrument.scoring.method == "sum":
            problems.append(f"{item.id}: 'not applicable' needs the percent_of_answered method")
    if instrument.scoring.method == "sum" and _sum_maximum(instrument) != instrument.max:
        problems.append(f"max {instrument.max} != sum of item maxima {_sum_maximum(instrument)}")
    if instrument.scoring.method == "percent_of_answered" and instrument.max != 100:
        problems.append("percent_of_answered instruments have max 100")
    return problems


def translation_from_spec(
    instrument: Instrument, language: str, spec: Any, where: str, problems: list[str]
) -> Translation | None:
    """A complete translation of ``instrument`` from its spec, or None with ``problems`` added.

    Strict, as a validated version is all or nothing: every item needs its label and every option
    its label (numerals such as NPRS "3" may be left out), unknown items, options and keys are
    errors, and labels must be non-empty text.
    """
    if language not in TRANSLATED_LANGUAGES:
        problems.append(f"{where}: unknown language (known: {', '.join(TRANSLATED_LANGUAGES)})")
        return None
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be an object")
        return None
    before = len(problems)
    problems.extend(f"{where}.{key}: unknown key" for key in sorted(set(spec) - _TRANSLATION_KEYS))
    for key in ("name", "version"):
        if key in spec and not is_text(spec[key]):
            problems.append(f"{where}.{key}: must be a non-empty string")
    item_specs = spec.get("items")
    if not isinstance(item_specs, dict):
        problems.append(f"{where}.items: must be an object keyed by item id")
        return None
    known = {item.id for item in instrument.items}
    problems.extend(
        f"{where}.items.{item_id}: unknown item" for item_id in item_specs if item_id not in known
    )
    items = tuple(
        _translated_item(item, item_specs.get(item.id), f"{where}.items.{item.id}", problems)
        for item in instrument.items
    )
    if len(problems) > before:
        return None
    name = spec["name"] if is_text(spec.get("name")) else instrument.name
    version = spec["version"] if is_text(spec.get("version")) else None
    return Translation(language=language, name=name, items=items, version=version)


def _translated_item(item: Item, spec: Any, where: str, problems: list[str]) -> Item:
    if spec is None:
        problems.append(f"{where}: missing (a translation gives every item)")
        return item
    if not isinstance(spec, dict):
        problems.append(f"{where}: must be an object")
        return item
    problems.extend(f"{where}.{key}: unknown key" for key in sorted(set(spec) - _ITEM_KEYS))
    if not is_text(spec.get("label")):
        problems.append(f"{where}.label: missing or blank")
    labels = spec.get("options", {})
    if not isinstance(labels, dict):
        problems.append(f"{where}.options: must be an object keyed by option value")
        labels = {}
    by_value = {str(option.value): option for option in item.options}
    for value, text in labels.items():
        if value not in by_value:
            problems.append(f"{where}.options.{value}: unknown option value")
        elif not is_text(text):
            problems.append(f"{where}.options.{value}: must be a non-empty string")
    for value, option in by_value.items():
        if value not in labels and not option.label.strip().isdigit():
            problems.append(f"{where}.options.{value}: missing")
    options = tuple(
        dataclasses.replace(option, label=labels[str(option.value)])
        if is_text(labels.get(str(option.value)))
        else option
        for option in item.options
    )
    return dataclasses.replace(item, label=spec.get("label") or item.label, options=options)


def is_text(value: Any) -> bool:
    """A non-empty string."""
    return isinstance(value, str) and bool(value.strip())


def _sum_maximum(instrument: Instrument) -> int:
    plain = sum(item.max_points for item in instrument.items if not item.branch)
    branched = sum(
        max(item.max_points for item in group) for group in instrument.branches().values()
    )
    return plain + branched


def _load_shipped() -> dict[str, Instrument]:
    folder = resources.files(__package__) / "definitions"
    files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".json")),
        key=lambda entry: entry.name,
    )
    shipped = {}
    for entry in files:
        instrument = parse_definition(json.loads(entry.read_text(encoding="utf-8")))
        if f"{instrument.code}.json" != entry.name:
            raise ValueError(f"{entry.name}: id {instrument.code!r} does not match the file name")
        shipped[instrument.code] = instrument
    return shipped


SHIPPED: MappingProxyType[str, Instrument] = MappingProxyType(_load_shipped())
_active: dict[str, Instrument] = dict(SHIPPED)

#: Instrument code -> Instrument, with any clinic wording overlay applied (read-only view).
INSTRUMENTS: MappingProxyType[str, Instrument] = MappingProxyType(_active)


def install(instruments: dict[str, Instrument]) -> None:
    """Replace the active definitions in place, so imported INSTRUMENTS references stay live."""
    _active.clear()
    _active.update(instruments)


def get_instrument(code: object) -> Instrument:
    """The active definition of ``code``; UnknownInstrument when there is none."""
    if not isinstance(code, str) or code not in _active:
        raise UnknownInstrument(code)
    return _active[code]


def describe(code: str, language: str | None = None) -> dict[str, Any]:
    """The instrument as JSON-ready data, items and options in the instrument's own order.

    With ``language``, the labels are those of its validated translation when it has one (ids,
    values and points never change); without it, or with none, the English labels.
    """
    instrument = get_instrument(code)
    translation = instrument.translation(language) if language else None
    items = translation.items if translation is not None else instrument.items
    return {
        "instrument": instrument.code,
        "items": [
            {
                "id": item.id,
                "label": item.label,
                "options": [
                    {"value": o.value, "points": o.points, "label": o.label} for o in item.options
                ],
            }
            for item in items
        ],
        "max": instrument.max,
        "direction": instrument.direction,
        "mcid": dict(instrument.mcid),
    }
