"""The gait analysis page shows a measure's row only when something was recorded in it."""

import pytest

from tests.assessments.factories import GaitAnalysisFactory
from tests.factories import PatientFactory


@pytest.mark.django_db
def test_empty_measures_are_hidden_and_partial_ones_show_only_their_parts(therapist, client_for):
    """No "left —, right —" or "— cm": empty rows go; a half-filled row shows its filled half."""
    patient = PatientFactory()
    empty = GaitAnalysisFactory(patient=patient, therapist=therapist)
    html = client_for(therapist).get(f"/clinical/gait/{empty.pk}/").content.decode()
    for label in ("Foot strike", "Overstride", "Trunk lean", "Vertical oscillation", "Shoes"):
        assert f">{label}</dt>" not in html
    assert "— cm" not in html and "left —" not in html and "—°" not in html

    partial = GaitAnalysisFactory(
        patient=patient, therapist=therapist, overstride_cm=12, foot_strike_left="rearfoot"
    )
    html = client_for(therapist).get(f"/clinical/gait/{partial.pk}/").content.decode()
    overstride = html.split('id="gait-overstride">', 1)[1].split("</dd>", 1)[0]
    assert "12" in overstride and "cm" in overstride and "shank" not in overstride
    strike = html.split('id="gait-foot-strike">', 1)[1].split("</dd>", 1)[0]
    assert "left" in strike and "right" not in strike
