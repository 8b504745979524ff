"""python manage.py screening_report: engine's top condition vs therapists' final diagnoses."""

from collections import Counter

from django.core.management.base import BaseCommand

from assessments.reports import reviewed_diagnosis_pairs
from dangpt.conditions import CONDITION_CODES, Diagnosis

SHORT = {
    "pfps": "pfps",
    "mtss": "mtss",
    "achilles_tendinopathy": "achilles",
    "plantar_fasciitis": "plantar",
    "itbs": "itbs",
    "bone_stress_injury": "bsi",
    "other": "other",
}
EMPTY_MESSAGE = (
    "No final working diagnoses recorded yet, so there is nothing to compare. Record the "
    "working diagnosis on reviewed screenings, then run this report again."
)


def confusion_lines(pairs: list[tuple[str, str]]) -> list[str]:
    """Render the confusion table and agreement of (engine top condition, final diagnosis)."""
    counts = Counter(pairs)
    rows = list(CONDITION_CODES)
    columns = [*CONDITION_CODES, Diagnosis.OTHER.value]
    width = max(len(SHORT[c]) for c in columns) + 2
    label_width = max(len(code) for code in rows) + 2
    lines = [
        f"Engine's top condition (rows) vs therapists' final working diagnosis (columns), "
        f"{len(pairs)} screening(s).",
        "".ljust(label_width) + "".join(SHORT[c].rjust(width) for c in columns) + "total".rjust(8),
    ]
    for row in rows:
        cells = [counts[(row, column)] for column in columns]
        lines.append(
            row.ljust(label_width)
            + "".join(str(n).rjust(width) for n in cells)
            + str(sum(cells)).rjust(8)
        )
    totals = [sum(counts[(row, column)] for row in rows) for column in columns]
    lines.append(
        "total".ljust(label_width)
        + "".join(str(n).rjust(width) for n in totals)
        + str(sum(totals)).rjust(8)
    )
    agreed = sum(counts[(code, code)] for code in rows)
    lines.append(
        f"Agreement: {agreed} of {len(pairs)} ({100 * agreed / len(pairs):.1f}%): the engine's "
        "top condition matched the therapist's final working diagnosis."
    )
    return lines


class Command(BaseCommand):
    help = (
        "Print a confusion table of the screening engine's top condition against therapists' "
        "final working diagnoses, with the agreement, to calibrate the weights."
    )

    def handle(self, *args, **options):
        pairs = reviewed_diagnosis_pairs()
        if not pairs:
            self.stdout.write(EMPTY_MESSAGE)
            return
        self.stdout.write("\n".join(confusion_lines(pairs)))
