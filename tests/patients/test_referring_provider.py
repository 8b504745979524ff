"""The referring provider on the patient: intake form, record page and the patients API."""

import pytest
from django.urls import reverse

from patients.models import Patient, ReferringProvider
from tests.factories import PatientFactory
from tests.patients.test_api import api  # noqa: F401 - the fixture
from tests.patients.test_views import intake_post

pytestmark = pytest.mark.django_db

REFERRER = {
    "rp-name": "Dr. Ana Ruiz, MD",
    "rp-practice": "Eastside Sports Medicine",
    "rp-phone": "323 555 0142",
    "rp-fax": "(323) 555-0143",
    "rp-email": "ARuiz@Example.test",
}


def test_intake_stores_the_referrer_in_us_format(client_for, front_desk):
    """Registering with a referrer stores E.164 numbers; the record shows them as (323) 555-0142."""
    client = client_for(front_desk)
    response = client.post(reverse("patients:register"), intake_post(**REFERRER))
    assert response.status_code == 302
    referrer = Patient.objects.get().referring_provider
    assert (referrer.phone, referrer.fax, referrer.email) == (
        "+13235550142",
        "+13235550143",
        "aruiz@example.test",
    )
    html = client.get(response.url).content.decode()
    assert "Dr. Ana Ruiz, MD" in html and "(323) 555-0142" in html and "(323) 555-0143" in html


def test_no_referrer_is_fine(client_for, front_desk):
    """The referrer is optional: an intake without one stores none and the record says so."""
    client = client_for(front_desk)
    response = client.post(reverse("patients:register"), intake_post())
    assert not ReferringProvider.objects.exists()
    assert "None recorded." in client.get(response.url).content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"rp-fax": "12"}, "valid phone number"),
        ({"rp-name": ""}, "Enter the referring provider&#x27;s name."),
        ({"rp-email": "not-an-email"}, "valid email"),
    ],
)
def test_bad_referrer_is_a_field_error_and_saves_nothing(
    client_for, front_desk, overrides, message
):
    """A bad fax, a referrer without a name, a bad email: the form says so, nothing is saved."""
    data = intake_post(**{**REFERRER, **overrides})
    response = client_for(front_desk).post(reverse("patients:register"), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Patient.objects.exists()


def test_edit_changes_then_removes_the_referrer(client_for, front_desk):
    """The edit form shows the referrer's numbers as people read them; blanking removes it."""
    patient = PatientFactory(first_name="Casey", last_name="Runner", date_of_birth="1990-02-03")
    ReferringProvider.objects.create(patient=patient, name="Dr. Old", phone="+13235550100")
    client = client_for(front_desk)
    url = reverse("patients:edit", args=[patient.pk])
    assert 'value="(323) 555-0100"' in client.get(url).content.decode()
    keep = {"p-email": patient.email, "p-preferred_location": patient.preferred_location_id}
    assert client.post(url, intake_post(**keep, **REFERRER)).status_code == 302
    assert ReferringProvider.objects.get(patient=patient).name == "Dr. Ana Ruiz, MD"
    blank = dict.fromkeys(REFERRER, "")
    assert client.post(url, intake_post(**keep, **blank)).status_code == 302
    assert not ReferringProvider.objects.filter(patient=patient).exists()


def test_api_reads_and_patches_the_referrer(api, front_desk):  # noqa: F811
    """GET shows the referrer as an object (null when none); PATCH sets, keeps and removes it."""
    patient = PatientFactory()
    caller = api(front_desk)
    path = f"/patients/{patient.pk}"
    assert caller.get(path).json()["referring_provider"] is None
    body = {"referring_provider": {"name": "Dr. Lee", "phone": "(213) 555-0199"}}
    response = caller.patch(path, body)
    assert response.status_code == 200
    assert response.json()["referring_provider"] == {
        "name": "Dr. Lee",
        "practice": "",
        "phone": "+12135550199",
        "fax": "",
        "email": "",
    }
    assert caller.patch(path, {"phone": "213 555 0101"}).json()["referring_provider"]["name"] == (
        "Dr. Lee"
    )
    assert caller.patch(path, {"referring_provider": None}).json()["referring_provider"] is None


def test_api_refuses_a_bad_referrer_and_saves_nothing(api, front_desk):  # noqa: F811
    """A referrer without a name or with a bad fax is a 400/422 naming the field."""
    patient = PatientFactory()
    caller = api(front_desk)
    path = f"/patients/{patient.pk}"
    response = caller.patch(path, {"first_name": "Zed", "referring_provider": {"fax": "12"}})
    assert response.status_code in (400, 422)
    errors = response.json()["errors"]
    assert set(errors) >= {"referring_provider.fax", "referring_provider.name"}
    patient.refresh_from_db()
    assert patient.first_name != "Zed" and not ReferringProvider.objects.exists()


def test_a_therapist_sets_the_referrer_from_the_chart(client_for, therapist):
    """The chart links the referrer form; saving returns to the chart with the referrer shown."""
    patient = PatientFactory()
    client = client_for(therapist)
    chart = reverse("assessments:patient_chart", args=[patient.pk])
    url = reverse("patients:referrer_edit", args=[patient.pk])
    assert url in client.get(chart).content.decode()
    data = {**REFERRER, "rp-email": ""}
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == chart
    assert "(323) 555-0143" in client.get(chart).content.decode()
    bad = client.post(url, {**data, "rp-phone": "555"})
    assert bad.status_code == 200 and "valid phone number" in bad.content.decode()
    assert ReferringProvider.objects.get(patient=patient).phone == "+13235550142"


def test_the_front_desk_returns_to_the_patient_page(client_for, front_desk):
    """The desk edits the referrer too, and goes back to the patient's page."""
    patient = PatientFactory()
    url = reverse("patients:referrer_edit", args=[patient.pk])
    response = client_for(front_desk).post(url, REFERRER)
    assert response.url == reverse("patients:detail", args=[patient.pk])
    assert ReferringProvider.objects.get(patient=patient).name == "Dr. Ana Ruiz, MD"
