"""The safety gate on every path that changes what the runner is told to do: publishing, the
settings page, the walk-run stage and the API; and the return-to-run clearance that opens it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.services import (
    clearance_record,
    exclusion_record,
    screening_acknowledge,
    screening_create,
)
from programs import services
from programs.models import Program, ProgramTemplate
from tests.assessments.factories import EvaluationFactory
from tests.assessments.test_return_to_run_clearance import BSI_ANSWERS, MET, RUPTURE_ANSWERS
from tests.programs.factories import ExerciseFactory, program_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """Call the API as a user with a fresh token."""
    from dangpt.services import api_token_create

    def call(user, method, path, body=None):
        _, raw = api_token_create(user=user, name="test", second_factor=True)
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if body is not None:
            kwargs |= {"data": body, "content_type": "application/json"}
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


FLUOROQUINOLONE_ANSWERS = {
    "regions": ["achilles"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": 2,
    "pain_now": 3,
    "pain_worst_24h": 5,
    "pain_running": 6,
    "timing": ["after_running"],
    "recent_fluoroquinolone": True,
}

WEAK_PUSH_OFF_ANSWERS = FLUOROQUINOLONE_ANSWERS | {
    "recent_fluoroquinolone": False,
    "weak_push_off": True,
}


def _heel_drops():
    return ExerciseFactory(
        name="Eccentric heel drops",
        contraindication_tags=["end_range_dorsiflexion", "tendon_load"],
    )


def _screen(patient, answers, therapist):
    return screening_create(
        patient=patient, answers=answers, created_by=therapist, source="therapist"
    )


def _diagnose_bsi(patient, therapist):
    EvaluationFactory(patient=patient, therapist=therapist, working_diagnosis="bone_stress_injury")


def _clear(patient, therapist):
    return clearance_record(patient=patient, cleared_by=therapist, site="fibula", **MET)


def _settings(program, **changes):
    values = {
        "title": program.title,
        "tissue": program.tissue,
        "baseline_pain": program.baseline_pain,
        "current_phase": program.current_phase,
        "walk_run_stage": program.walk_run_stage,
    }
    return services.program_update(program=program, **(values | changes))


# --- Service ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answers", [RUPTURE_ANSWERS, WEAK_PUSH_OFF_ANSWERS, FLUOROQUINOLONE_ANSWERS]
)
def test_a_tendon_red_flag_blocks_publishing_heel_drops(therapist, runner, answers):
    """A possible rupture or a fluoroquinolone flag blocks eccentric tendon loading until acked."""
    program = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    services.program_item_add(program=program, exercise=_heel_drops())
    screening = _screen(runner.patient, answers, therapist)
    with pytest.raises(ValidationError) as caught:
        services.program_publish(program=program, by=therapist)
    message = " ".join(caught.value.message_dict["items"])
    assert "Eccentric heel drops" in message and "tendon loading" in message
    assert program.versions.count() == 0
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Seen in ED")
    if answers is not FLUOROQUINOLONE_ANSWERS:
        # The acknowledgement alone does not lift a possible rupture's block (issue 15 review).
        with pytest.raises(ValidationError):
            services.program_publish(program=program, by=therapist)
        exclusion_record(
            patient=runner.patient,
            excluded_by=therapist,
            condition="achilles_rupture",
            method="exam",
            detail="Negative Thompson test and palpable tendon, Dr. Lee in the ED.",
        )
    services.program_publish(program=program, by=therapist)
    assert program.versions.count() == 1


def test_a_flagged_runner_cannot_be_given_a_walk_run_stage(therapist, runner):
    """An unacknowledged referral refuses stage 1 or later; stage 0 (prerequisites) is allowed."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    _screen(runner.patient, RUPTURE_ANSWERS, therapist)
    with pytest.raises(ValidationError) as caught:
        _settings(program, walk_run_stage=1)
    assert "Walk-run stage 1 cannot be given yet" in caught.value.message_dict["walk_run_stage"][0]
    assert Program.objects.get(pk=program.pk).walk_run_stage is None
    _settings(program, walk_run_stage=0)
    assert Program.objects.get(pk=program.pk).walk_run_stage == 0


def test_a_diagnosed_bsi_needs_a_clearance_for_a_walk_run_stage(therapist, runner):
    """A BSI diagnosed in an evaluation (no screening) blocks stage 1 until the clearance."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    _diagnose_bsi(runner.patient, therapist)
    with pytest.raises(ValidationError, match="clearance"):
        _settings(program, tissue="bone", walk_run_stage=1)
    _clear(runner.patient, therapist)
    _settings(program, tissue="bone", walk_run_stage=1)
    assert Program.objects.get(pk=program.pk).walk_run_stage == 1


def test_after_a_bsi_the_walk_run_plan_keeps_the_bone_rule(therapist, runner):
    """After a BSI the walk-run plan uses the bone rule (no pain), never the 3/10 rule."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    _diagnose_bsi(runner.patient, therapist)
    _clear(runner.patient, therapist)
    with pytest.raises(ValidationError) as caught:
        _settings(program, tissue="soft_tissue", walk_run_stage=1)
    assert "bone rule" in caught.value.message_dict["tissue"][0]


def test_an_acknowledged_suspected_bsi_still_blocks_running_items(therapist, runner):
    """Acknowledging a suspected BSI lets other work through, but running waits for clearance."""
    program = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    services.program_item_add(
        program=program,
        exercise=ExerciseFactory(name="Walk-run", contraindication_tags=["running"]),
    )
    screening = _screen(runner.patient, BSI_ANSWERS, therapist)
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="MRI booked")
    with pytest.raises(ValidationError, match="Walk-run"):
        services.program_publish(program=program, by=therapist)
    _clear(runner.patient, therapist)
    services.program_publish(program=program, by=therapist)


@pytest.fixture
def library():
    services.library_load()


def test_walk_run_after_a_bsi_starts_at_stage_0_with_the_bone_rule(therapist, runner, library):
    """The template's tissue_by_condition gives the bone rule; uncleared, the plan waits at 0."""
    from tests.programs.factories import staff_at

    staff_at(therapist, runner.patient.preferred_location)
    _diagnose_bsi(runner.patient, therapist)
    template = ProgramTemplate.objects.get(slug="walk_run_return")
    program = services.program_create_from_template(
        patient=runner.patient, therapist=therapist, template=template
    )
    assert (program.tissue, program.walk_run_stage) == ("bone", 0)
    with pytest.raises(ValidationError):
        services.program_publish(program=program, by=therapist)
    _clear(runner.patient, therapist)
    cleared = services.program_create_from_template(
        patient=runner.patient, therapist=therapist, template=template
    )
    assert (cleared.tissue, cleared.walk_run_stage) == ("bone", 1)


def test_walk_run_reads_the_rule_of_the_evaluations_condition(therapist, runner, library):
    """Achilles tendinopathy in the linked evaluation gives the tendon rule, from the template."""
    from tests.programs.factories import staff_at

    staff_at(therapist, runner.patient.preferred_location)
    evaluation = EvaluationFactory(
        patient=runner.patient, therapist=therapist, working_diagnosis="achilles_tendinopathy"
    )
    program = services.program_create_from_template(
        patient=runner.patient,
        therapist=therapist,
        template=ProgramTemplate.objects.get(slug="walk_run_return"),
        evaluation=evaluation,
    )
    assert (program.tissue, program.walk_run_stage) == ("tendon", 1)


def test_the_bsi_templates_clearance_phase_needs_a_recorded_clearance(therapist, runner, library):
    """A phase marked clearance_required cannot be published before the clearance."""
    from tests.programs.factories import staff_at

    staff_at(therapist, runner.patient.preferred_location)
    program = services.program_create_from_template(
        patient=runner.patient,
        therapist=therapist,
        template=ProgramTemplate.objects.get(slug="bsi_graded_return"),
    )
    services.program_publish(program=program, by=therapist)
    _settings(program, current_phase=3)
    with pytest.raises(ValidationError, match="clearance"):
        services.program_publish(program=program, by=therapist)
    _clear(runner.patient, therapist)
    assert services.program_publish(program=program, by=therapist).phase == 3


# --- Pages --------------------------------------------------------------------------------------


def _settings_post(program, **changes):
    return {
        "title": program.title,
        "tissue": program.tissue,
        "baseline_pain": program.baseline_pain,
        "current_phase": program.current_phase,
        "walk_run_stage": "",
    } | changes


def test_settings_page_refuses_a_walk_run_stage_until_cleared(client_for, therapist, runner):
    """The settings page shows the gate's reason at the field; after clearance it saves."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    _diagnose_bsi(runner.patient, therapist)
    client = client_for(therapist)
    url = reverse("programs:settings", args=[program.pk])
    response = client.post(url, _settings_post(program, tissue="bone", walk_run_stage=2))
    assert response.status_code == 400
    assert "Walk-run stage 2 cannot be given yet" in response.content.decode()
    assert Program.objects.get(pk=program.pk).walk_run_stage is None
    _clear(runner.patient, therapist)
    response = client.post(url, _settings_post(program, tissue="bone", walk_run_stage=2))
    assert response.status_code == 302
    assert Program.objects.get(pk=program.pk).walk_run_stage == 2


def test_program_page_lists_stage_0_and_what_blocks_running(client_for, therapist, runner, library):
    """A walk-run plan waiting at stage 0 shows the bone prerequisites and the way to clear."""
    from tests.programs.factories import staff_at

    staff_at(therapist, runner.patient.preferred_location)
    _diagnose_bsi(runner.patient, therapist)
    program = services.program_create_from_template(
        patient=runner.patient,
        therapist=therapist,
        template=ProgramTemplate.objects.get(slug="walk_run_return"),
    )
    body = client_for(therapist).get(reverse("programs:detail", args=[program.pk])).content
    body = body.decode()
    assert "Stage 1 and later are blocked" in body
    assert "Pain-free single-leg hops, tested by your therapist" in body
    assert reverse("assessments:clearance_new", args=[runner.patient.pk]) in body


def test_runs_page_shows_no_plan_before_clearance(client_for, therapist, runner):
    """A plan set before a BSI was diagnosed disappears from /me/runs/ until the clearance."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    _settings(program, tissue="bone", walk_run_stage=2)
    _diagnose_bsi(runner.patient, therapist)
    client = client_for(runner)
    body = client.get(reverse("programs:runs")).content.decode()
    assert "Walk-run plan: stage" not in body
    assert "Your therapist has not cleared you to run yet" in body
    _clear(runner.patient, therapist)
    body = client.get(reverse("programs:runs")).content.decode()
    assert "Walk-run plan: stage 2" in body
    assert "not cleared you to run" not in body


def test_admin_cannot_set_a_walk_run_stage_past_the_gate(client_for, make_user, therapist, runner):
    """The admin shows the walk-run stage and the pain rule read-only: no way around the gate."""
    from dangpt.roles import Role

    program = program_with_items(therapist=therapist, patient=runner.patient)
    admin = make_user(Role.MANAGER, is_staff=True, is_superuser=True)
    response = client_for(admin).get(f"/admin/programs/program/{program.pk}/change/")
    body = response.content.decode()
    assert response.status_code == 200 and 'name="title"' in body
    assert 'name="walk_run_stage"' not in body and 'name="tissue"' not in body


# --- API ----------------------------------------------------------------------------------------


def test_api_refuses_a_walk_run_stage_until_cleared(api, therapist, runner):
    """PATCH /programs/{id} refuses a stage (400) until the flag is acked and the runner cleared."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    screening = _screen(runner.patient, BSI_ANSWERS, therapist)
    path = f"/programs/{program.pk}"
    response = api(therapist, "patch", path, {"tissue": "bone", "walk_run_stage": 1})
    assert response.status_code == 400
    assert "cannot be given yet" in response.json()["errors"]["walk_run_stage"][0]
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="MRI booked")
    response = api(therapist, "patch", path, {"tissue": "bone", "walk_run_stage": 1})
    assert response.status_code == 400, "acknowledged, but not cleared"
    _clear(runner.patient, therapist)
    response = api(therapist, "patch", path, {"tissue": "bone", "walk_run_stage": 1})
    assert response.status_code == 200
    assert response.json()["walk_run_stage"] == 1 and response.json()["tissue"] == "bone"


def test_api_publish_refuses_tendon_loading_under_a_rupture_flag(api, therapist, runner):
    """Publishing by API names the heel drops a possible rupture blocks."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    services.program_item_add(program=program, exercise=_heel_drops())
    _screen(runner.patient, RUPTURE_ANSWERS, therapist)
    response = api(therapist, "post", f"/programs/{program.pk}/publish", {})
    assert response.status_code == 400
    assert "Eccentric heel drops" in response.json()["errors"]["items"][0]


def test_api_settings_scoping(api, make_user, therapist, runner):
    """Runners and unknown programs get 404; a stage out of range is a 422 field error."""
    from dangpt.roles import Role

    program = program_with_items(therapist=therapist, patient=runner.patient)
    assert api(runner, "patch", f"/programs/{program.pk}", {"walk_run_stage": 1}).status_code == 404
    assert (
        api(make_user(Role.FRONT_DESK), "patch", f"/programs/{program.pk}", {}).status_code == 404
    )
    assert api(therapist, "patch", "/programs/999999", {}).status_code == 404
    response = api(therapist, "patch", f"/programs/{program.pk}", {"walk_run_stage": 12})
    assert response.status_code == 422
    assert response.json()["errors"]["walk_run_stage"] == [
        "Walk-run stage must be between 0 and 8."
    ]


def test_a_femoral_neck_flag_refuses_hip_loading_until_cleared(therapist, runner, library):
    """Bridges, hip abduction and planks of the BSI template cannot be published for a runner
    flagged at the femoral neck, with the reason, until a clearance is recorded."""
    from tests.assessments.test_condition_exclusion import FEMORAL_NECK_ANSWERS
    from tests.programs.factories import staff_at

    staff_at(therapist, runner.patient.preferred_location)
    screening = _screen(runner.patient, FEMORAL_NECK_ANSWERS, therapist)
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Hip MRI booked")
    program = services.program_create_from_template(
        patient=runner.patient,
        therapist=therapist,
        template=ProgramTemplate.objects.get(slug="bsi_graded_return"),
    )
    with pytest.raises(ValidationError) as caught:
        services.program_publish(program=program, by=therapist)
    message = " ".join(caught.value.message_dict["items"])
    assert "Glute bridge" in message and "hip and pelvis loading" in message
    assert "femoral neck, pelvis or sacrum" in message
    clearance_record(
        patient=runner.patient,
        cleared_by=therapist,
        site="femoral_neck",
        imaging_or_physician_clearance=True,
        **MET,
    )
    services.program_publish(program=program, by=therapist)
    assert program.versions.count() == 1


def test_a_shin_bsi_leaves_hip_loading_open(therapist, runner):
    """A BSI at the shin blocks impact and running, not bridges."""
    _screen(runner.patient, BSI_ANSWERS, therapist)
    from assessments import safety

    _diagnose_bsi(runner.patient, therapist)
    assert "hip_load" not in safety.loading_blocks(patient_id=runner.patient.pk)


@pytest.mark.parametrize(
    ("answers", "says", "never"),
    [
        # A routine flag: the questionnaire page told them to avoid running only if it hurts.
        (
            "routine",
            "avoid running, hopping and jumping if they hurt",
            "Please don't run until",
        ),
        # A same-day concern: not until seen.
        ("same_day", "don't run, hop or jump until you have been seen", "if they hurt"),
    ],
)
def test_runs_page_says_what_fits_the_flag(client_for, therapist, runner, answers, says, never):
    """/me/runs/ says "don't run until cleared" only when that is what the flag means."""
    from tests.assessments.factories import knee_answers

    chosen = (
        knee_answers(locking_or_giving_way=True)
        if answers == "routine"
        else RUPTURE_ANSWERS | {"onset_pop": False, "calf_swelling_warmth": True}
    )
    screening = _screen(runner.patient, chosen, therapist)
    assert screening.urgency == answers
    body = client_for(runner).get(reverse("programs:runs")).content.decode()
    assert says in body.replace("\n", " ").replace("  ", " ")
    assert never not in body and "has not cleared you to run" not in body
