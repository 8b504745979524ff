"""The runner's settings page: language, distance unit and messages, saved together."""

import re

import pytest
from django.core.exceptions import ValidationError

from patients.models import DistanceUnit, Language, Patient
from patients.reminders.models import ReminderPreference
from patients.services import patient_preferences_save

pytestmark = pytest.mark.django_db
URL = "/me/reminders/"


def settings_post(**overrides) -> dict:
    return {
        "preferred_language": "es",
        "distance_unit": "km",
        "confirmation": "on",
        "reminder_24h": "on",
        "nudge_time": "18:00",
        **overrides,
    }


def test_page_shows_language_units_and_messages(client_for, runner):
    """One page: the language (each named in itself), miles or kilometers, the messages."""
    page = client_for(runner).get(URL).content.decode()
    for text in ("Settings", "English", "Español", "Miles", "Kilometers", "Booking confirmations"):
        assert text in page
    checked = re.search(r'<input[^>]*name="distance_unit"[^>]*value="mi"[^>]*checked', page)
    assert checked, "miles is the default unit"


def test_saving_changes_language_unit_and_messages_and_answers_in_spanish(client_for, runner):
    """The choices are stored, and the very next page is in Spanish."""
    client = client_for(runner)
    response = client.post(URL, settings_post())
    assert response.status_code == 302 and response.url == URL
    patient = Patient.objects.get(user=runner)
    assert patient.preferred_language == Language.SPANISH
    assert patient.distance_unit == DistanceUnit.KILOMETRES
    preference = ReminderPreference.objects.get(patient=patient)
    assert preference.confirmation and not preference.cancellation
    page = client.get(URL).content.decode()
    assert "Su configuración quedó guardada." in page
    assert "Mostrar las distancias en" in page and "Kilómetros" in page


def test_invalid_choices_are_field_errors_and_nothing_is_saved(client_for, runner):
    """A language or unit not offered, or a bad time: errors at the fields, nothing half-saved."""
    client = client_for(runner)
    response = client.post(URL, settings_post(distance_unit="furlongs", nudge_time="25:99"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a valid choice." in page and "Enter a valid time." in page
    patient = Patient.objects.get(user=runner)
    assert (patient.preferred_language, patient.distance_unit) == ("en", "mi")
    assert not ReminderPreference.objects.exists()


def test_spanish_runner_reads_form_errors_in_spanish(client_for, runner):
    """Django's own messages come in the runner's language."""
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    response = client_for(runner).post(URL, settings_post(distance_unit="furlongs"))
    assert "Escoja una opción válida" in response.content.decode()


@pytest.mark.parametrize("role", ["front_desk", "therapist", "manager"])
def test_staff_get_404(request, client_for, role):
    """Only a runner has settings here."""
    assert client_for(request.getfixturevalue(role)).get(URL).status_code == 404


def test_anonymous_goes_to_sign_in(client):
    """Signed out: to the sign-in page."""
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_other_methods_answer_405(client_for, runner):
    """GET shows, POST saves; nothing else."""
    assert client_for(runner).put(URL).status_code == 405


def test_service_refuses_unknown_values():
    """The service names the field of a bad value."""
    from tests.factories import PatientFactory

    patient = PatientFactory()
    with pytest.raises(ValidationError) as caught:
        patient_preferences_save(patient=patient, language="fr", distance_unit="leagues")
    assert set(caught.value.message_dict) == {"preferred_language", "distance_unit"}


def test_service_changes_only_what_is_given():
    """None keeps a setting as it is."""
    from tests.factories import PatientFactory

    patient = PatientFactory(distance_unit=DistanceUnit.KILOMETRES)
    saved = patient_preferences_save(patient=patient, language=Language.SPANISH)
    assert (saved.preferred_language, saved.distance_unit) == ("es", "km")


def test_settings_link_in_the_runner_menu(client_for, runner):
    """The runner's menu links to the settings page."""
    page = client_for(runner).get("/me/").content.decode()
    assert f'href="{URL}">Settings</a>' in page
