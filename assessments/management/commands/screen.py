"""python manage.py screen [FILE|-]: screen answers given as JSON and print the result as JSON."""

import json
import sys

from django.core.management.base import BaseCommand

from assessments.screening import ScreeningValidationError, screen

USAGE_EXIT = 2


class Command(BaseCommand):
    help = (
        "Screen a runner's answers (JSON, see DESIGN.md) from FILE or stdin and print the "
        "result as JSON. Invalid answers exit 2 with a JSON error naming each bad field on stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="answers JSON file, or -")

    def handle(self, *args, **options):
        answers = self._read_answers(options["file"])
        try:
            result = screen(answers)
        except ScreeningValidationError as exc:
            self._fail("The answers are invalid.", exc.errors)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _read_answers(self, file: str):
        """Parse the JSON answers from the file or stdin, failing with exit 2 when unreadable."""
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
        except (json.JSONDecodeError, RecursionError) as exc:
            self._fail("The answers are not valid JSON.", {"answers": [str(exc)]})

    def _fail(self, detail: str, errors: dict) -> None:
        """Write the JSON error to stderr and exit 2; nothing goes to stdout."""
        self.stderr.write(json.dumps({"detail": detail, "errors": errors}, ensure_ascii=False))
        raise SystemExit(USAGE_EXIT)
