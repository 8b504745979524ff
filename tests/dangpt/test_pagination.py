"""The shared pagination keeps the page's search and filters in its links."""

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
