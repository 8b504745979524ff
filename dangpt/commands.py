"""Management commands that read JSON and answer in JSON: one way to read input and to fail."""

import json
import sys

from django.core.management.base import BaseCommand

USAGE_EXIT = 2


class JsonCommand(BaseCommand):
    """Reads JSON from a file or stdin, prints JSON, fails with exit 2 and a JSON error."""

    def read_json(self, file: str, *, what: str = "answers"):
        """The parsed JSON of `file` (or stdin for "-"); exits 2 when unreadable or not JSON."""
        try:
            if file == "-":
                text = sys.stdin.read()
            else:
                with open(file, encoding="utf-8") as handle:
                    text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            self.fail(f"The {what} file cannot be read.", {"file": [str(exc)]})
        try:
            return json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            self.fail(f"The {what} are not valid JSON.", {what: [str(exc)]})

    def print_json(self, data) -> None:
        self.stdout.write(json.dumps(data, ensure_ascii=False))

    def fail(self, detail: str, errors: dict) -> None:
        """Write the JSON error to stderr and exit 2; nothing goes to stdout."""
        self.stderr.write(json.dumps({"detail": detail, "errors": errors}, ensure_ascii=False))
        raise SystemExit(USAGE_EXIT)
