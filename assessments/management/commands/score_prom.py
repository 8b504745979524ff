"""python manage.py score_prom INSTRUMENT [FILE|-] | score_prom INSTRUMENT --describe."""

import json
import sys

from django.core.management.base import BaseCommand

from assessments.prom_wording import apply_clinic_wording
from assessments.proms import INSTRUMENTS, InvalidAnswers, WordingError, describe, score

USAGE_EXIT = 2


class Command(BaseCommand):
    # Pure scoring: no database or URL checks, so it runs fast and anywhere.
    requires_system_checks: list = []
    help = (
        'Score PROM answers given as JSON ({"item_id": value, ...}) from FILE or stdin, or '
        "print the instrument's definition with --describe. Invalid input exits 2 with a JSON "
        "error on stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("instrument", help=f"one of: {', '.join(sorted(INSTRUMENTS))}")
        parser.add_argument("file", nargs="?", default="-", help="answers JSON file or -")
        parser.add_argument("--describe", action="store_true", help="print the definition")

    def handle(self, *args, **options):
        instrument, file = options["instrument"], options["file"]
        try:
            apply_clinic_wording()
        except WordingError as exc:
            self._fail("The clinic wording file cannot be applied.", {"wording": exc.problems})
        if instrument not in INSTRUMENTS:
            known = ", ".join(sorted(INSTRUMENTS))
            self._fail(
                "Unknown instrument.",
                {"instrument": [f"unknown instrument {instrument!r}; choose one of {known}"]},
            )
        if options["describe"]:
            self._print(describe(instrument))
            return
        answers = self._read_answers(file)
        try:
            result = score(instrument, answers)
        except InvalidAnswers as exc:
            self._fail("The answers are invalid.", exc.errors)
        self._print(result)

    def _read_answers(self, file: str):
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            self._fail("The answers file cannot be read.", {"file": [str(exc)]})
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            self._fail("The answers are not valid JSON.", {"answers": [str(exc)]})

    def _print(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def _fail(self, detail: str, errors: dict) -> None:
        """Write the JSON error to stderr and exit 2; nothing goes to stdout."""
        self.stderr.write(json.dumps({"detail": detail, "errors": errors}, ensure_ascii=False))
        raise SystemExit(USAGE_EXIT)
