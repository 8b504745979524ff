"""The runner's symptom questionnaire in Spanish: same questions, same answer keys, same result."""

from html import unescape

import pytest
from django.urls import reverse

from assessments.models import Screening
from patients.models import Language, Patient
from tests.assessments.test_screening_views import RUNNER_FORM

pytestmark = pytest.mark.django_db

# Answers that raise a red flag (suspected DVT), so the result has something to agree on.
RED_FLAG_FORM = {
    **RUNNER_FORM,
    "regions": ["calf"],
    "calf_swelling_warmth": "yes",
    "focal_bone_tenderness": "unsure",
}


def spanish_runner(client, runner):
    """Sign in a runner who chose Spanish."""
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    client.force_login(runner)
    return client


def page(client) -> str:
    """The questionnaire's HTML, entities unescaped."""
    return unescape(client.get(reverse("assessments:questionnaire")).content.decode())


def test_spanish_runner_reads_questions_options_and_headings_in_spanish(client, runner):
    """Questions, help, options, section headings and the button are in Spanish; keys are not."""
    html = page(spanish_runner(client, runner))
    for spanish in (
        "Cuestionario de síntomas",
        "¿Dónde le duele?",
        "Parte delantera de la rodilla, alrededor o detrás de la rótula",
        "¿Puede señalar un punto en el hueso que le duele cuando lo presiona suavemente",
        "¿Ha pasado 3 meses seguidos o más sin que le baje el periodo (regla)?",
        "¿Sintió o escuchó un chasquido",
        "En la noche",
        "0 es nada de dolor, 10 es el peor dolor imaginable.",
        "Dónde y cuándo",
        "Otras preguntas",
        "Enviar a mi terapeuta",
        "No sé",
    ):
        assert spanish in html, spanish
    for english in ("Where does it hurt?", "Front of the knee", "Send to my therapist"):
        assert english not in html
    # The answer keys the screening contract names stay as they are.
    for key in ('value="anterior_knee"', 'value="at_night"', 'name="missed_periods_3_months"'):
        assert key in html


def test_spanish_and_english_answers_store_the_same_screening(client, runner, make_user):
    """The same choices sent from the Spanish page store the same answers and the same result."""
    english_runner = make_user_with_patient(make_user)
    client.force_login(english_runner)
    assert client.post(reverse("assessments:questionnaire"), RED_FLAG_FORM).status_code == 302
    spanish_runner(client, runner)
    assert client.post(reverse("assessments:questionnaire"), RED_FLAG_FORM).status_code == 302
    english = Screening.objects.get(patient__user=english_runner)
    spanish = Screening.objects.get(patient__user=runner)
    assert spanish.answers == english.answers
    assert spanish.answers["regions"] == ["calf"]
    assert spanish.result == english.result
    assert spanish.result["red_flags"]


def make_user_with_patient(make_user):
    """A second runner with a patient record, reading English."""
    from dangpt.roles import Role
    from tests.factories import PatientFactory

    user = make_user(Role.RUNNER)
    PatientFactory(user=user, first_name=user.first_name, last_name=user.last_name)
    return user


def test_spanish_runner_reads_field_errors_in_spanish(client, runner):
    """A missing required answer is explained in Spanish, and nothing is stored."""
    spanish_runner(client, runner)
    data = {key: value for key, value in RUNNER_FORM.items() if key != "side"}
    response = client.post(reverse("assessments:questionnaire"), data)
    html = unescape(response.content.decode())
    assert response.status_code == 200
    assert "Hay respuestas que necesita revisar" in html
    assert "Este campo es obligatorio." in html
    assert not Screening.objects.exists()


def test_spanish_runner_reads_the_call_today_advice_in_spanish(client, runner):
    """After sending red-flag answers, the advice to seek care today is in Spanish."""
    spanish_runner(client, runner)
    client.post(reverse("assessments:questionnaire"), RED_FLAG_FORM)
    html = unescape(client.get(reverse("assessments:questionnaire_sent")).content.decode())
    assert "Por favor, busque atención médica hoy" in html
    assert "No corra, no brinque ni salte hasta que reciba atención." in html
    assert "Please seek medical care today" not in html


def test_therapist_screen_keeps_english_question_labels(client_for, therapist):
    """The staff screening form shares the questions and keeps them in English."""
    html = unescape(
        client_for(therapist).get(reverse("assessments:screening_start")).content.decode()
    )
    assert "Where does it hurt?" in html
    assert "¿Dónde le duele?" not in html
