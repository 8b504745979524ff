"""Staff see the runner's language on the record and the chart, and the desk sets it."""

import pytest
from django.urls import reverse

from patients.models import Language, Patient
from tests.factories import PatientFactory
from tests.patients.test_views import intake_post

pytestmark = pytest.mark.django_db


def test_patient_record_names_the_language_in_english(client_for, front_desk):
    """The desk's record shows "Spanish" (staff pages are English)."""
    patient = PatientFactory(preferred_language=Language.SPANISH)
    page = client_for(front_desk).get(reverse("patients:detail", args=[patient.pk]))
    html = page.content.decode()
    assert 'id="patient-language"' in html and "Spanish" in html and "Español" not in html


def test_chart_header_names_the_language(client_for, therapist):
    """The therapist's chart has one line: "Language: Spanish"."""
    patient = PatientFactory(preferred_language=Language.SPANISH)
    html = client_for(therapist).get(f"/clinical/patients/{patient.pk}/").content.decode()
    assert "Language: <strong>Spanish</strong>" in html


def test_desk_registers_a_runner_who_reads_spanish(client_for, front_desk):
    """The intake form asks the language; it is stored."""
    response = client_for(front_desk).post(
        reverse("patients:register"), intake_post(**{"p-preferred_language": "es"})
    )
    assert response.status_code == 302
    assert Patient.objects.get().preferred_language == Language.SPANISH


def test_desk_changes_the_language_on_edit(client_for, front_desk):
    """Editing the record can change the runner's language."""
    patient = PatientFactory(preferred_language=Language.ENGLISH, email="casey@example.test")
    client = client_for(front_desk)
    page = client.get(reverse("patients:edit", args=[patient.pk])).content.decode()
    assert 'name="p-preferred_language"' in page
    client.post(
        reverse("patients:edit", args=[patient.pk]),
        intake_post(**{"p-preferred_language": "es", "p-first_name": patient.first_name}),
    )
    patient.refresh_from_db()
    assert patient.preferred_language == Language.SPANISH


def test_a_language_not_offered_is_a_field_error(client_for, front_desk):
    """Bad input at the field; nothing saved."""
    response = client_for(front_desk).post(
        reverse("patients:register"), intake_post(**{"p-preferred_language": "fr"})
    )
    assert response.status_code in (200, 400)
    assert "Select a valid choice." in response.content.decode()
    assert not Patient.objects.exists()
