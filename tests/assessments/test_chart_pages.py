"""Every chart-record page: scoping (404), login, methods (405), constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assessments.factories import (
    EvaluationFactory,
)

pytestmark = pytest.mark.django_db


NOTE_PAGES = [
    "/clinical/patients/",
    "/clinical/patients/{patient}/",
    "/clinical/patients/{patient}/evaluations/new/",
    "/clinical/patients/{patient}/gait/new/",
    "/clinical/patients/{patient}/gait/compare/",
    "/clinical/evaluations/",
    "/clinical/evaluations/{evaluation}/",
    "/clinical/evaluations/{evaluation}/edit/",
    "/clinical/evaluations/{evaluation}/sign/",
    "/clinical/evaluations/{evaluation}/history/",
    "/clinical/gait/{gait}/",
    "/clinical/gait/{gait}/edit/",
    "/clinical/outcomes/",
    "/clinical/outcome-results/{result}/history/",
    "/clinical/patients/{patient}/outcomes/lefs/record/",
]


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_runner_gets_404_on_notes(url, chart, runner, client_for):
    """A runner never sees notes, gait analyses or the clinic's outcome pages."""
    assert client_for(runner).get(url.format(**chart)).status_code == 404


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_front_desk_gets_404_on_notes(url, chart, front_desk, client_for):
    """The front desk sees no clinical notes."""
    assert client_for(front_desk).get(url.format(**chart)).status_code == 404


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_anonymous_is_sent_to_login(url, chart, client):
    """Signed-out visitors go to the login page."""
    response = client.get(url.format(**chart))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_therapist_opens_every_page(url, chart, therapist, client_for):
    """Each page opens for a therapist."""
    assert client_for(therapist).get(url.format(**chart)).status_code == 200


def test_missing_objects_answer_404(therapist, client_for):
    """An id that does not exist answers 404."""
    client = client_for(therapist)
    assert client.get("/clinical/evaluations/999999/").status_code == 404
    assert client.get("/clinical/patients/999999/").status_code == 404
    assert client.get("/clinical/gait/999999/").status_code == 404


def test_wrong_methods_answer_405(chart, therapist, client_for):
    """POST-only and GET-only pages refuse the other method."""
    client = client_for(therapist)
    assert client.get(f"/clinical/evaluations/{chart['evaluation']}/addenda/").status_code == 405
    assert client.post(f"/clinical/evaluations/{chart['evaluation']}/").status_code == 405
    assert client.post("/clinical/evaluations/").status_code == 405
    assert client.get(f"/clinical/patients/{chart['patient']}/schedules/new/").status_code == 405


@pytest.mark.parametrize("url", ["/clinical/evaluations/", "/clinical/patients/"])
def test_list_pages_run_constant_queries(url, therapist, client_for):
    """The list pages run the same number of queries for 1 and 30 rows."""
    client = client_for(therapist)
    EvaluationFactory()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(24):
        EvaluationFactory()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(one) == len(many)
