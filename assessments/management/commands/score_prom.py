"""python manage.py score_prom INSTRUMENT [FILE|-] | score_prom INSTRUMENT --describe."""

from assessments.proms import INSTRUMENTS, InvalidAnswers, WordingError, describe, score
from assessments.proms.clinic_wording import apply_clinic_wording
from dangpt.commands import JsonCommand


class Command(JsonCommand):
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
            self.fail("The clinic wording file cannot be applied.", {"wording": exc.problems})
        if instrument not in INSTRUMENTS:
            known = ", ".join(sorted(INSTRUMENTS))
            self.fail(
                "Unknown instrument.",
                {"instrument": [f"unknown instrument {instrument!r}; choose one of {known}"]},
            )
        if options["describe"]:
            self.print_json(describe(instrument))
            return
        answers = self.read_json(file)
        try:
            result = score(instrument, answers)
        except InvalidAnswers as exc:
            self.fail("The answers are invalid.", exc.errors)
        self.print_json(result)
