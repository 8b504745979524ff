"""A runner downloads their record from the portal; a therapist a letter from the chart."""

import json
import re

import pytest

from dangpt.wiring.letters import letter_filename
from tests.browser.conftest import sign_in
from tests.records.conftest import fill_record

pytestmark = pytest.mark.browser


def test_runner_downloads_their_record_and_therapist_a_letter(
    live_server, page, transactional_db, make_user, runner, therapist
):
    """The runner opens My record and downloads the JSON (their name in it); the therapist
    downloads the discharge summary from the chart as a PDF."""
    notes = fill_record(runner.patient, therapist, marker="ALPHA")
    sign_in(page, live_server.url, runner)
    page.get_by_role("link", name="My record").first.click()
    page.wait_for_url(f"{live_server.url}/me/record/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as JSON").click()
    record = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert record["patient"]["last_name"] == runner.patient.last_name
    assert len(record["evaluations"]) == 3

    page.context.clear_cookies()
    sign_in(page, live_server.url, therapist)
    page.goto(f"{live_server.url}/clinical/patients/{runner.patient.pk}/")
    assert page.get_by_text("Dr. Ana Ruiz ALPHA, MD").is_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^Discharge summary \(PDF\)")).click()
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert download.value.suggested_filename == letter_filename(
        runner.patient, "discharge", notes["discharge"].evaluated_on
    )
