"""The language switch: Django's set_language for everyone, a runner's choice saved."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import Language, Patient

pytestmark = pytest.mark.django_db
SWITCH = "/i18n/setlang/"


def test_switch_url_is_djangos_i18n_path():
    """The switch is mounted where django.conf.urls.i18n puts it, under its name."""
    assert reverse("set_language") == SWITCH


def test_sign_in_page_offers_both_languages_each_marked_with_its_lang(client):
    """An anonymous visitor sees "English | Español", the other language a button."""
    page = client.get(reverse("login")).content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert 'lang="en" aria-current="true">English</span>' in page
    assert 'name="language" value="es" lang="es"' in page
    assert "csrfmiddlewaretoken" in page and 'name="next" value="/accounts/login/"' in page


def test_anonymous_visitor_switches_to_spanish_and_returns_to_the_page(client):
    """The cookie is set, the visitor goes back to `next`, and the sign-in page reads Spanish."""
    response = client.post(SWITCH, {"language": "es", "next": "/accounts/login/"})
    assert response.status_code == 302 and response.url == "/accounts/login/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert '<html lang="es">' in page and "Iniciar sesión" in page
    assert "¿Olvidó su contraseña?" in page


def test_next_off_site_is_not_followed(client):
    """Only a path on this site is a place to go back to."""
    response = client.post(SWITCH, {"language": "es", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"


def test_runner_switch_is_saved_as_their_preference(client_for, runner):
    """A signed-in runner's choice becomes their saved language and this session's."""
    client = client_for(runner)
    client.get(reverse("programs:home"))  # the session now remembers English
    with CaptureQueriesContext(connection) as queries:
        response = client.post(SWITCH, {"language": "es", "next": "/me/reminders/"})
    assert response.status_code == 302 and response.url == "/me/reminders/"
    assert len(queries) <= 12, [q["sql"] for q in queries]
    assert Patient.objects.get(user=runner).preferred_language == Language.SPANISH
    page = client.get("/me/reminders/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Configuración" in page and "Idioma" in page


def test_staff_switch_changes_nothing_and_staff_read_english(client_for, front_desk):
    """Staff pages stay English; the switch is not shown to staff."""
    client = client_for(front_desk)
    page = client.get(reverse("patients:list")).content.decode()
    assert "language-switch" not in page
    client.post(SWITCH, {"language": "es", "next": "/desk/patients/"})
    assert client.get(reverse("patients:list"))["Content-Language"] == "en"


def test_unknown_language_is_ignored(client_for, runner):
    """A language the clinic does not offer saves nothing."""
    client_for(runner).post(SWITCH, {"language": "fr", "next": "/me/"})
    assert Patient.objects.get(user=runner).preferred_language == Language.ENGLISH


def test_get_is_refused(client):
    """The switch changes state: GET answers 405."""
    assert client.get(SWITCH).status_code == 405


def test_post_without_csrf_token_is_refused(runner):
    """The switch is a form like any other: no token, 403, nothing saved."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(runner)
    assert client.post(SWITCH, {"language": "es"}).status_code == 403
    assert Patient.objects.get(user=runner).preferred_language == Language.ENGLISH
