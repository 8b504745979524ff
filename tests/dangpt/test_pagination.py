"""The shared pagination keeps the page's search and filters in its links."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PatientFactory


def test_next_page_link_keeps_the_search(front_desk, client):
    """Thirty matching patients: page 1 links to page 2 of the same search."""
    PatientFactory.create_batch(30, last_name="Zed")
    PatientFactory.create_batch(3, last_name="Other")
    client.force_login(front_desk)
    page = client.get("/desk/patients/", {"q": "Zed"}).content.decode()
    assert 'href="?q=Zed&amp;page=2"' in page
    assert "Page 1 of 2" in page
    second = client.get("/desk/patients/", {"q": "Zed", "page": 2}).content.decode()
    assert 'href="?q=Zed&amp;page=1"' in second and "Other" not in second


def test_capped_list_counts_no_further_than_its_cap(front_desk, client, monkeypatch):
    """Past the cap the pager says "of 2+" and the page asks for a narrower search."""
    monkeypatch.setattr("patients.views.desk.LIST_CAP", 30)
    PatientFactory.create_batch(40, last_name="Zed")
    client.force_login(front_desk)
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/desk/patients/", {"q": "Zed"}).content.decode()
    assert "Page 1 of 2+" in page and "More than 30 patients match" in page
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1 and "LIMIT 31" in counts[0]
    last = client.get("/desk/patients/", {"q": "Zed", "page": 2}).content.decode()
    assert "Page 2 of 2+" in last and last.count("Zed") >= 5


def test_capped_list_under_its_cap_reads_as_usual(front_desk, client):
    """Below the cap the count is exact and no narrowing note shows."""
    PatientFactory.create_batch(3, last_name="Zed")
    client.force_login(front_desk)
    page = client.get("/desk/patients/", {"q": "Zed"}).content.decode()
    assert "More than" not in page and page.count("Zed,") == 3
