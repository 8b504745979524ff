"""Which language a page is answered in: the runner's preference, English for staff, the
browser's language before sign-in."""

import pytest
from django.urls import reverse

from patients.language import SESSION_KEY
from patients.models import Language, Patient

pytestmark = pytest.mark.django_db


def test_anonymous_visitor_gets_the_browsers_language(client):
    """Before sign-in, Accept-Language decides (Django's LocaleMiddleware)."""
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="es-MX,es;q=0.9")
    assert response["Content-Language"] == "es"


def test_runner_preference_wins_over_the_browser(client, runner):
    """A runner who chose Spanish reads Spanish even from an English browser."""
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    client.force_login(runner)
    response = client.get(reverse("programs:home"), HTTP_ACCEPT_LANGUAGE="en-US")
    assert response["Content-Language"] == "es"


def test_runner_language_is_kept_in_the_session(client, runner):
    """Chosen at sign-in and kept in the session: a later page does not read the patient row."""
    client.force_login(runner)
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    response = client.get(reverse("programs:home"))
    assert response["Content-Language"] == "en"


def test_a_session_without_the_language_reads_it(client, runner):
    """A session signed in before the preference existed still gets the runner's language."""
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    client.force_login(runner)
    session = client.session
    del session[SESSION_KEY]
    session.save()
    response = client.get(reverse("programs:home"))
    assert response["Content-Language"] == "es"


def test_staff_read_english_whatever_the_browser(client, therapist):
    """Staff pages are English: a Spanish browser does not half-translate them."""
    client.force_login(therapist)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="es", follow=True)
    assert response["Content-Language"] == "en"
