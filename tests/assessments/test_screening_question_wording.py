"""Yes/no questions whose "Yes" raises a flag are asked so that "Yes" means the worrying answer."""

from html import unescape

import pytest
from django.urls import reverse

from assessments.models import Screening
from tests.assessments.test_screening_views import RUNNER_FORM
from tests.assessments.test_spanish_questionnaire import page, spanish_runner

pytestmark = pytest.mark.django_db

BEAR_WEIGHT_EN = "Is it impossible to stand on that leg or take a few steps on it?"
BEAR_WEIGHT_ES = "¿Le es imposible pararse sobre esa pierna o dar unos pasos con ella?"
LATE_PERIODS_EN = "Did your first period come after you turned 15, or has it not come yet?"
LATE_PERIODS_ES = (
    "¿Su primer periodo (regla) le bajó después de cumplir 15 años, o todavía no le ha bajado?"
)
MISSED_EN = "Have you gone 3 months or more in a row without a period?"
MISSED_ES = "¿Ha pasado 3 meses seguidos o más sin que le baje el periodo (regla)?"
MISSED_HELP_EN = "Answer if you have ever had periods, even if they have stopped."
MISSED_HELP_ES = "Conteste si alguna vez ha tenido periodos (regla), aunque ahora no le bajen."


def test_spanish_flag_questions_are_asked_positively(client, runner):
    """In Spanish, "Sí" is the worrying answer: no question opens with "¿No puede…"."""
    html = page(spanish_runner(client, runner))
    for spanish in (BEAR_WEIGHT_ES, LATE_PERIODS_ES, MISSED_ES, MISSED_HELP_ES):
        assert spanish in html, spanish
    assert "¿No puede apoyar" not in html
    assert "todavía no le había bajado" not in html
    # Someone whose periods stopped is the runner at risk: the help no longer tells her to skip.
    assert "Solo si tiene periodos" not in html


def test_english_flag_questions_are_asked_positively(client, runner):
    """In English, the weight-bearing and late-periods questions have no negative to untangle."""
    client.force_login(runner)
    html = unescape(client.get(reverse("assessments:questionnaire")).content.decode())
    for english in (BEAR_WEIGHT_EN, LATE_PERIODS_EN, MISSED_EN, MISSED_HELP_EN):
        assert english in html, english
    assert "still not started" not in html
    assert "Only if you have periods" not in html


def test_yes_on_the_spanish_weight_question_raises_the_same_day_flag(client, runner):
    """Answering "Sí" (cannot stand on the leg) after an injury stores True and flags same-day."""
    spanish_runner(client, runner)
    data = {**RUNNER_FORM, "onset": "trauma", "unable_to_bear_weight": "yes"}
    response = client.post(reverse("assessments:questionnaire"), data)
    assert response.status_code == 302
    screening = Screening.objects.get(patient__user=runner)
    assert screening.answers["unable_to_bear_weight"] is True
    codes = {flag["code"] for flag in screening.result["red_flags"]}
    assert "unable_to_bear_weight_after_injury" in codes
