"""python manage.py screening_report: confusion table and agreement for calibrating weights."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments.management.commands.screening_report import EMPTY_MESSAGE
from assessments.models import ScreeningStatus
from tests.assessments.factories import ScreeningFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def report() -> str:
    """Run the report and return what it printed."""
    out = io.StringIO()
    call_command("screening_report", stdout=out)
    return out.getvalue()


def diagnosed(diagnosis: str, note: str = ""):
    """A reviewed knee screening (engine top: pfps) with the therapist's final diagnosis."""
    user = UserFactory()
    now = timezone.now()
    return ScreeningFactory(
        status=ScreeningStatus.REVIEWED,
        reviewed_by=user,
        reviewed_at=now,
        final_diagnosis=diagnosis,
        final_diagnosis_note=note,
        diagnosed_by=user,
        diagnosed_at=now,
    )


def test_empty_state_when_no_diagnoses():
    """Without any final diagnosis the report explains there is nothing to compare."""
    ScreeningFactory()  # a draft without a diagnosis does not count
    assert report().strip() == EMPTY_MESSAGE


def test_confusion_table_and_agreement():
    """Three pfps diagnoses and one itbs and one other against an engine top of pfps: 60%."""
    for _ in range(3):
        diagnosed("pfps")
    diagnosed("itbs")
    diagnosed("other", note="Patellar tendinopathy")
    text = report()
    lines = text.splitlines()
    header = lines[1].split()
    assert header == ["pfps", "mtss", "achilles", "plantar", "itbs", "bsi", "other", "total"]
    pfps_row = next(line for line in lines if line.startswith("pfps "))
    assert pfps_row.split()[1:] == ["3", "0", "0", "0", "1", "0", "1", "5"]
    mtss_row = next(line for line in lines if line.startswith("mtss "))
    assert mtss_row.split()[1:] == ["0"] * 8
    assert "Agreement: 3 of 5 (60.0%)" in text
    assert "5 screening(s)" in lines[0]
