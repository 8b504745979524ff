"""Plain messages for database constraints, no silent truncation, dates that make sense, and the
form error summary."""

import datetime as dt
import re

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CheckConstraint, UniqueConstraint
from django.urls import reverse
from django.utils import timezone

from assessments.forms import ClearanceForm, EvaluationForm, ExclusionForm, GaitAnalysisForm
from assessments.services import clearance_record, gait_create, screening_record_diagnosis
from dangpt.services import api_token_create
from patients.forms import (
    CancelForm,
    PatientForm,
    ReferringProviderForm,
    RunningProfileForm,
)
from patients.models import RunningProfile
from programs import services as program_services
from programs.forms import ItemForm, ProgramSettingsForm, PublishForm
from tests.factories import PatientFactory
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.django_db

TOMORROW = dt.timedelta(days=1)


def _api(client, user, method, url, data):
    _, token = api_token_create(user=user, name="t", second_factor=True)
    return getattr(client, method)(
        url,
        data=data,
        headers={"Authorization": f"Bearer {token}"},
        content_type="application/json",
    )


def _model_forms():
    """Every ModelForm of the apps (their modules imported above and here)."""
    import patients.reminders.forms  # noqa: F401

    found, todo = [], list(forms.ModelForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        if form.__module__.split(".")[0] in ("patients", "assessments", "programs"):
            found.append(form)
    return found


# --- Constraint messages ----------------------------------------------------------------------


def test_every_constraint_a_form_can_meet_has_a_plain_message():
    """A ModelForm validates its model's constraints: each one has its own message, never the
    default "Constraint “name” is violated."."""
    bare = []
    for form in _model_forms():
        for constraint in form._meta.model._meta.constraints:
            if not isinstance(constraint, CheckConstraint | UniqueConstraint):
                continue
            if constraint.violation_error_message == constraint.default_violation_error_message:
                bare.append(f"{form._meta.model.__name__}.{constraint.name}")
    assert bare == []


def test_zero_sets_shows_a_plain_message_at_the_field(client_for, therapist):
    """Sets = 0 on the item page: the range message at the field, no constraint name anywhere."""
    program = program_with_items(therapist=therapist, patient=PatientFactory(), count=1)
    item = program.items.get()
    url = reverse("programs:item_edit", args=[program.pk, item.pk])
    data = {"sets": "0", "reps": "10", "times_per_week": "3", "side": "both", "phase": "1"}
    page = client_for(therapist).post(url, data).content.decode()
    assert "Sets must be between 1 and 10." in page
    assert "item_sets" not in page and "is violated" not in page
    item.refresh_from_db()
    assert item.sets != 0


def test_reps_or_hold_message_is_plain():
    """An item with neither reps nor hold says so in words."""
    form = ItemForm({"sets": "3", "times_per_week": "3", "side": "both", "phase": "1"})
    assert not form.is_valid()
    assert form.errors["reps"] == ["Give reps, a hold time, or both."]


def test_model_validation_names_the_field(therapist):
    """A range check raised by model validation lands at its field with the table's message."""
    profile = RunningProfile(patient=PatientFactory(), runs_per_week=30)
    with pytest.raises(ValidationError) as refused:
        profile.full_clean()
    assert refused.value.message_dict == {
        "runs_per_week": ["Runs per week must be between 0 and 21."]
    }


# --- No silent truncation ---------------------------------------------------------------------


STAFF_FORMS = [
    lambda: PatientForm(),
    lambda: RunningProfileForm(),
    lambda: ReferringProviderForm(),
    lambda: EvaluationForm(patient=PatientFactory()),
    lambda: GaitAnalysisForm(),
    lambda: ItemForm(),
    lambda: ProgramSettingsForm(),
    lambda: PublishForm(),
    lambda: ClearanceForm(),
    lambda: ExclusionForm(),
    lambda: CancelForm(),
]


@pytest.mark.parametrize("make", STAFF_FORMS)
def test_every_text_input_has_its_maxlength(make):
    """Each text field with a limit tells the browser (maxlength), so nothing is cut later."""
    form = make()
    for name, field in form.fields.items():
        if isinstance(field, forms.CharField) and field.max_length and not field.widget.is_hidden:
            assert f'maxlength="{field.max_length}"' in str(form[name]), name


def test_long_name_is_refused_not_cut(front_desk, client):
    """A 500-character name through the API is refused with a message; nothing is stored."""
    body = {"first_name": "A" * 500, "last_name": "Ruiz", "date_of_birth": "1990-01-01"}
    response = _api(client, front_desk, "post", "/api/v1/patients", body)
    assert response.status_code == 422
    assert "first_name" in response.json()["errors"]


def test_long_token_name_is_refused_not_cut(therapist, client):
    """The token exchange refuses a name over 100 characters instead of cutting it."""
    response = client.post(
        "/api/v1/auth/token",
        {"username": therapist.username, "password": "x", "name": "n" * 101},
        content_type="application/json",
    )
    assert response.status_code == 422
    with pytest.raises(ValidationError) as refused:
        api_token_create(user=therapist, second_factor=True, name="n" * 101)
    assert refused.value.message_dict["name"] == [
        "Ensure this value has at most 100 characters (it has 101)."
    ]


def test_long_publish_note_is_refused(therapist):
    """Publishing refuses a note over 300 characters; no version is made."""
    program = program_with_items(therapist=therapist, patient=PatientFactory(), publish=False)
    with pytest.raises(ValidationError) as refused:
        program_services.program_publish(program=program, by=therapist, note="x" * 301)
    assert "at most 300 characters" in refused.value.message_dict["note"][0]
    assert not program.versions.exists()


def test_long_clearance_note_is_refused(therapist):
    """A clearance note over 500 characters is refused, not cut."""
    with pytest.raises(ValidationError) as refused:
        clearance_record(
            patient=PatientFactory(),
            cleared_by=therapist,
            site="fibula",
            pain_free_walking=True,
            no_focal_tenderness=True,
            imaging_or_physician_clearance=True,
            pain_free_hops=True,
            contributing_factors_identified=True,
            note="x" * 501,
        )
    assert "at most 500 characters" in refused.value.message_dict["note"][0]


def test_long_diagnosis_note_is_refused(therapist):
    """The working diagnosis note is refused past 250 characters, not cut."""
    from assessments.models import ScreeningStatus
    from tests.assessments.factories import ScreeningFactory

    screening = ScreeningFactory(
        patient=PatientFactory(),
        status=ScreeningStatus.REVIEWED,
        reviewed_by=therapist,
        reviewed_at=timezone.now(),
    )
    with pytest.raises(ValidationError) as refused:
        screening_record_diagnosis(
            screening=screening, diagnosed_by=therapist, diagnosis="other", note="x" * 251
        )
    assert "at most 250 characters" in refused.value.message_dict["note"][0]


# --- Dates that make sense --------------------------------------------------------------------


def test_evaluation_date_in_the_future_is_refused(therapist, client):
    """Tomorrow's evaluation is refused at the form and by the API, with the same words."""
    tomorrow = timezone.localdate() + TOMORROW
    form = EvaluationForm({"evaluated_on": tomorrow.isoformat()}, patient=PatientFactory())
    assert not form.is_valid()
    assert form.errors["evaluated_on"] == ["The visit date cannot be in the future."]
    body = {"patient": PatientFactory().pk, "evaluated_on": tomorrow.isoformat()}
    response = _api(client, therapist, "post", "/api/v1/evaluations", body)
    assert response.status_code == 400
    assert response.json()["errors"]["evaluated_on"] == ["The visit date cannot be in the future."]


def test_gait_recording_date_in_the_future_is_refused(therapist):
    """A gait analysis cannot be recorded tomorrow (form and service)."""
    tomorrow = timezone.localdate() + TOMORROW
    form = GaitAnalysisForm({"recorded_on": tomorrow.isoformat()})
    assert not form.is_valid()
    assert form.errors["recorded_on"] == ["The recording date cannot be in the future."]
    with pytest.raises(ValidationError) as refused:
        gait_create(
            patient=PatientFactory(),
            therapist=therapist,
            fields={"recorded_on": tomorrow, "surface": "treadmill", "speed_kmh": 10},
        )
    assert "recorded_on" in refused.value.message_dict


@pytest.mark.parametrize(
    ("years_ago", "message"),
    [
        (-1, "The date of birth cannot be in the future."),
        (3, "The runner would be under 5 years old; check the date of birth."),
        (120, "The runner would be over 110 years old; check the date of birth."),
    ],
)
def test_implausible_date_of_birth_is_refused(years_ago, message, front_desk, client):
    """Born tomorrow, 3 or 120 years ago: refused at the form and by the API."""
    today = timezone.localdate()
    born = today.replace(year=today.year - years_ago) if years_ago >= 0 else today + TOMORROW
    form = PatientForm({"first_name": "A", "last_name": "B", "date_of_birth": born.isoformat()})
    assert not form.is_valid()
    assert form.errors["date_of_birth"] == [message]
    body = {"first_name": "Ana", "last_name": "Ruiz", "date_of_birth": born.isoformat()}
    response = _api(client, front_desk, "post", "/api/v1/patients", body)
    assert response.status_code == 400
    assert response.json()["errors"]["date_of_birth"] == [message]


def test_goal_race_in_the_past_is_refused_at_intake(front_desk, client):
    """A goal race date already past is refused by the intake form and the API."""
    past = (timezone.localdate() - TOMORROW).isoformat()
    message = "The goal race date is in the past; enter the next race, or leave it empty."
    form = RunningProfileForm({"goal_race_date": past})
    assert not form.is_valid() and form.errors["goal_race_date"] == [message]
    body = {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "date_of_birth": "1990-01-01",
        "running_profile": {"goal_race_date": past},
    }
    response = _api(client, front_desk, "post", "/api/v1/patients", body)
    assert response.status_code == 400
    assert response.json()["errors"]["goal_race_date"] == [message]


def test_goal_race_kept_from_an_earlier_visit_does_not_block_an_edit():
    """Editing a runner whose stored race has since passed is still possible."""
    past = timezone.localdate() - dt.timedelta(days=30)
    profile = RunningProfile.objects.create(patient=PatientFactory(), goal_race_date=past)
    form = RunningProfileForm({"goal_race_date": past.isoformat()}, instance=profile)
    assert form.is_valid(), form.errors


# --- Error summary ----------------------------------------------------------------------------


def _summary_targets(page: str) -> list[str]:
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S)
    assert summary, "no error summary"
    return re.findall(r'href="#([^"]+)"', summary.group(0))


def test_registration_summary_links_to_each_field(client_for, front_desk):
    """The intake page's summary counts the errors and links to inputs that exist."""
    data = {
        "p-first_name": "",
        "p-last_name": "Runner",
        "p-date_of_birth": "1990-02-03",
        "r-runs_per_week": "30",
        "r-weekly_miles": "2.5x",
        "c-treatment": "on",
    }
    page = client_for(front_desk).post(reverse("patients:register"), data).content.decode()
    targets = _summary_targets(page)
    assert {"id_p-first_name", "id_r-runs_per_week", "id_r-weekly_miles"} <= set(targets)
    for target in targets:
        assert f'id="{target}"' in page, target
    assert "There is a problem" in page and 'tabindex="-1"' in page
    assert "js/error_summary.js" in page


def test_evaluation_summary_links_to_exam_fields(client_for, therapist):
    """Knee flexion 500° on the note: the summary links to that input, with the message."""
    patient = PatientFactory()
    url = reverse("assessments:evaluation_new", args=[patient.pk])
    data = {"kind": "initial", "evaluated_on": "2026-03-02", "rom_knee_flexion_deg_left": "500"}
    page = client_for(therapist).post(url, data).content.decode()
    targets = _summary_targets(page)
    assert "id_rom_knee_flexion_deg_left" in targets
    assert "Knee flexion must be between 0° and 160°." in page
    for target in targets:
        assert f'id="{target}"' in page, target


def test_no_summary_on_a_fresh_form(client_for, front_desk):
    """An unsent form shows no summary."""
    page = client_for(front_desk).get(reverse("patients:register")).content.decode()
    assert "error-summary" not in page


def test_summary_speaks_spanish_to_runners():
    """The summary's own words are translated (runners' forms use it too)."""
    from django.template import Context, Template
    from django.utils import translation

    class Answers(forms.Form):
        pain = forms.IntegerField(label="Dolor")

    with translation.override("es"):
        html = Template("{% load error_summary %}{% error_summary form %}").render(
            Context({"form": Answers({})})
        )
    assert "Hay un problema" in html
    assert "Hay 1 cosa que corregir antes de guardar:" in html
    assert 'href="#id_pain"' in html
