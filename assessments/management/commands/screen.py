"""python manage.py screen [FILE|-]: screen answers given as JSON and print the result as JSON."""

from assessments.screening import ScreeningValidationError, screen
from dangpt.commands import JsonCommand


class Command(JsonCommand):
    help = (
        "Screen a runner's answers (JSON, see DESIGN.md) from FILE or stdin and print the "
        "result as JSON. Invalid answers exit 2 with a JSON error naming each bad field on stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default="-", help="answers JSON file, or -")

    def handle(self, *args, **options):
        answers = self.read_json(options["file"])
        try:
            result = screen(answers)
        except ScreeningValidationError as exc:
            self.fail("The answers are invalid.", exc.errors)
        self.print_json(result)
