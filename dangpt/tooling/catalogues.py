"""Which runner-facing strings have no Spanish: extraction as makemessages does it, .po reading.

Used by the catalogue test and by `python -m dangpt.tooling.catalogues` (prints the msgids a
catalogue still lacks, in .po form, to paste and translate).
"""

import ast
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation.template import templatize

from dangpt.i18n_surfaces import RUNNER_MODULES, RUNNER_TEMPLATES

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE_APPS = ("dangpt", "patients", "programs", "assessments")
# makemessages' xgettext keywords for the "django" domain.
XGETTEXT = [
    "xgettext",
    "--language=Python",
    "--from-code=UTF-8",
    "--keyword=gettext_noop",
    "--keyword=gettext_lazy",
    "--keyword=ngettext_lazy:1,2",
    "--keyword=pgettext:1c,2",
    "--keyword=npgettext:1c,2,3",
    "--keyword=pgettext_lazy:1c,2",
    "--keyword=npgettext_lazy:1c,2,3",
    "--output=-",
]


@dataclass
class Entry:
    """One message of a .po/.pot file."""

    msgid: str = ""
    context: str = ""
    plural: str = ""
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False
    where: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)

    @property
    def translated(self) -> bool:
        return not self.fuzzy and bool(self.strings) and all(self.strings)


def _unquote(line: str) -> str:
    return ast.literal_eval(line)


def parse_po(text: str) -> list[Entry]:
    """The entries of a .po or .pot text (the header entry left out)."""
    entries, entry, target = [], Entry(), None
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            if entry.msgid or entry.strings:
                entries.append(entry)
            entry, target = Entry(), None
            continue
        if line.startswith("#,"):
            entry.fuzzy = entry.fuzzy or "fuzzy" in line
        elif line.startswith("#:"):
            entry.where.extend(line[2:].split())
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            entry.context, target = _unquote(line[8:]), "context"
        elif line.startswith("msgid_plural "):
            entry.plural, target = _unquote(line[13:]), "plural"
        elif line.startswith("msgid "):
            entry.msgid, target = _unquote(line[6:]), "msgid"
        elif line.startswith("msgstr"):
            entry.strings.append(_unquote(line.split(" ", 1)[1]))
            target = "strings"
        elif line.startswith('"') and target:
            if target == "strings":
                entry.strings[-1] += _unquote(line)
            else:
                setattr(entry, target, getattr(entry, target) + _unquote(line))
    return [e for e in entries if e.msgid]


def spanish_catalogue(root: Path = ROOT) -> dict[tuple[str, str], Entry]:
    """Every Spanish entry of the project's catalogues, merged (a translated one wins)."""
    merged: dict[tuple[str, str], Entry] = {}
    for app in CATALOGUE_APPS:
        po = root / app / "locale" / "es" / "LC_MESSAGES" / "django.po"
        if not po.exists():
            continue
        for entry in parse_po(po.read_text(encoding="utf-8")):
            if entry.key not in merged or entry.translated:
                merged[entry.key] = entry
    return merged


def surface_files(patterns, root: Path = ROOT) -> dict[str, list[Path]]:
    """Each pattern and the files it names now."""
    return {pattern: sorted(root.glob(pattern)) for pattern in patterns}


def extract(paths: list[Path], root: Path = ROOT) -> list[Entry]:
    """The msgids of these templates and Python files, as makemessages extracts them."""
    with tempfile.TemporaryDirectory() as tmp:
        inputs = []
        for path in paths:
            relative = path.relative_to(root)
            if path.suffix == ".py":
                inputs.append(str(path))
                continue
            # A template becomes Python that xgettext reads (Django's templatize).
            target = Path(tmp) / f"{relative}.py"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                templatize(path.read_text(encoding="utf-8"), origin=str(relative)),
                encoding="utf-8",
            )
            inputs.append(str(target))
        if not inputs:
            return []
        done = subprocess.run(  # noqa: S603 - fixed program, file names from the repository
            [*XGETTEXT, *inputs], capture_output=True, text=True, check=True, cwd=root
        )
    return parse_po(done.stdout)


def missing(patterns, root: Path = ROOT) -> dict[str, list[Entry]]:
    """For each surface pattern, its msgids without Spanish."""
    catalogue = spanish_catalogue(root)
    found = {}
    for pattern, paths in surface_files(patterns, root).items():
        entries = extract(paths, root) if paths else []
        untranslated = [
            e for e in entries if not (e.key in catalogue and catalogue[e.key].translated)
        ]
        found[pattern] = untranslated
    return found


def _po(entry: Entry) -> str:
    def q(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = []
    if entry.context:
        lines.append(f"msgctxt {q(entry.context)}")
    lines.append(f"msgid {q(entry.msgid)}")
    if entry.plural:
        lines += [f"msgid_plural {q(entry.plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
    else:
        lines.append('msgstr ""')
    return "\n".join(lines)


def main() -> None:
    """Print the runner-facing msgids that have no Spanish yet."""
    patterns = sys.argv[1:] or [*RUNNER_TEMPLATES, *RUNNER_MODULES]
    seen = set()
    for pattern, entries in missing(patterns).items():
        for entry in entries:
            if entry.key not in seen:
                seen.add(entry.key)
                print(f"#: {pattern}\n{_po(entry)}\n")


if __name__ == "__main__":
    import django

    django.setup()
    main()
