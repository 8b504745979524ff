"""The runner's advice after pain matches the red flag and the pain rule that apply to them:
a same-day, prompt or uncleared-BSI hold is as strong as the red flag, and hops, jumps and runs
after a bone stress injury are judged by the bone rule in the advice and the suggestion alike."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.services import clearance_record
from patients.models import Location
from programs import services
from programs.models import Exercise, SessionLog
from programs.rules import progression
from tests.assessments.factories import DVT_ANSWERS, EvaluationFactory, ScreeningFactory
from tests.assessments.test_return_to_run_clearance import MET
from tests.programs.factories import ExerciseFactory, impact_exercise, program_with_items

pytestmark = pytest.mark.django_db

PHONE = "+12135550100"
STRONG = (
    "Until you have spoken with the clinic, stop your exercises and do not run, hop or jump. "
    "Call the clinic today at (213) 555-0100; if you cannot reach us, or cannot put weight on "
    "the leg, go to an urgent care center today."
)
STRONG_ES = (
    "Hasta que hable con la clínica, deje sus ejercicios y no corra, no brinque ni salte. Llame "
    "hoy a la clínica al (213) 555-0100; si no puede comunicarse o no puede apoyar la pierna, "
    "vaya hoy a un centro de atención de urgencias (urgent care)."
)


@pytest.fixture(autouse=True)
def clinic_phone(runner):
    """The runner's location has a phone number."""
    Location.objects.filter(pk=runner.patient.preferred_location_id).update(phone=PHONE)


def _checkoff(program, **scores) -> dict:
    data = {}
    for item in program.current_version.items:
        data[f"done_{item['item_id']}"] = "on"
        for name, value in scores.items():
            data[f"{name}_{item['item_id']}"] = str(value)
    return data


def _log(client, program, **scores) -> str:
    response = client.post(
        reverse("programs:log_session"), _checkoff(program, **scores), follow=True
    )
    return response.content.decode().replace("&#x27;", "'")


def _with_hops(therapist, runner):
    """A soft-tissue strength program of one squat-like exercise and pogo hops."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    services.program_item_add(program=program, exercise=impact_exercise())
    services.program_publish(program=program, by=therapist)
    return program


def _cleared_bsi(runner, therapist):
    """A diagnosed bone stress injury with the return-to-run clearance recorded after it."""
    EvaluationFactory(
        patient=runner.patient, therapist=therapist, working_diagnosis="bone_stress_injury"
    )
    clearance_record(patient=runner.patient, cleared_by=therapist, site="fibula", **MET)


# --- Safety holds (item 4) ----------------------------------------------------------------------


def test_same_day_red_flag_hold_says_stop_call_today_or_urgent_care(client_for, therapist, runner):
    """An unreviewed same-day red flag: stop, no running or hopping, call today, urgent care."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=2)
    ScreeningFactory(patient=runner.patient, answers=dict(DVT_ANSWERS))
    body = _log(client_for(runner), program, pain_during=5)
    assert STRONG in body
    assert "stop the exercises that hurt" not in body
    assert "a quarter fewer" not in body


def test_uncleared_bone_stress_hold_is_as_strong_in_spanish(client_for, therapist, runner):
    """A bone stress injury with no clearance yet: the strong advice, in Spanish."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=2)
    EvaluationFactory(
        patient=runner.patient, therapist=therapist, working_diagnosis="bone_stress_injury"
    )
    runner.patient.preferred_language = "es"
    runner.patient.save(update_fields=["preferred_language"])
    body = _log(client_for(runner), program, pain_during=5)
    assert STRONG_ES in body
    assert "deje los ejercicios que le duelen" not in body


# --- Impact work after a bone stress injury (item 5) --------------------------------------------


def test_item_rule_puts_impact_work_after_a_bsi_under_the_bone_rule():
    """Hops after a BSI: bone rule; the same hops without one, or squats with one: the plan's."""
    assert progression.item_rule(tissue="soft_tissue", impact=True, bone_stress=True) == "bone"
    assert progression.item_rule(tissue="tendon", impact=True, bone_stress=True) == "bone"
    assert progression.item_rule(tissue="soft_tissue", impact=True, bone_stress=False) == (
        "soft_tissue"
    )
    assert progression.item_rule(tissue="tendon", impact=False, bone_stress=True) == "tendon"


def test_hops_at_2_of_10_after_a_cleared_bsi_stop_the_session(client_for, therapist, runner):
    """After a (cleared) BSI, pain 2/10 on hops breaks the bone rule: no praise, stop, 1–2 days
    off; the therapist gets the bone suggestion for the hops and nothing for the squats."""
    program = _with_hops(therapist, runner)
    _cleared_bsi(runner, therapist)
    body = _log(client_for(runner), program, pain_during=2)
    assert "Well done" not in body
    assert "Your pain went over your plan's limit on: Pogo hops." in body
    assert "Your plan's rule for bone allows no pain. Stop today's session" in body
    suggestions = list(program.suggestions.all())
    assert [(s.item.exercise.name, s.code) for s in suggestions] == [("Pogo hops", "bone_pain")]


def test_hops_at_2_of_10_without_a_bsi_keep_the_plans_rule(client_for, therapist, runner):
    """Without any BSI evidence the soft-tissue rule stands: pain 2/10 on hops is praised."""
    program = _with_hops(therapist, runner)
    body = _log(client_for(runner), program, pain_during=2)
    assert "Session saved. Well done!" in body
    assert not program.suggestions.exists()


def test_program_for_a_bsi_judges_hops_by_the_bone_rule(therapist, runner):
    """A program whose evaluation diagnosed a BSI counts as a bone-stress context."""
    from programs.services.suggestions import item_tissue, program_bone_stress

    program = _with_hops(therapist, runner)
    evaluation = EvaluationFactory(
        patient=runner.patient, therapist=therapist, working_diagnosis="bone_stress_injury"
    )
    program.evaluation = evaluation
    program.save(update_fields=["evaluation"])
    assert program_bone_stress(program)
    hops = program.items.get(exercise__contraindication_tags__contains=["impact"])
    squat = program.items.exclude(pk=hops.pk).get()
    assert item_tissue(program, hops) == "bone"
    assert item_tissue(program, squat) == "soft_tissue"


def test_morning_pain_on_hops_after_a_bsi_reads_the_bone_rule(client_for, therapist, runner):
    """Next-morning pain 1/10 (usual level 0) after hops, with a BSI: the bone rule's words."""
    program = _with_hops(therapist, runner)
    _cleared_bsi(runner, therapist)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    entries = [
        {"item_id": i["item_id"], "done": True, "pain_during": 0}
        for i in program.current_version.items
    ]
    services.session_log(program=program, date=yesterday, entries=entries)
    url = reverse("programs:session_morning", args=[SessionLog.objects.get().pk])
    body = client_for(runner).post(url, {"next_morning_pain": "1"}, follow=True).content.decode()
    body = body.replace("&#x27;", "'")
    assert (
        "You have pain this morning. Under your plan's rule for bone there should be none" in body
    )


# --- Dose words (items 8 and 10) ----------------------------------------------------------------


def test_tendon_plan_is_not_told_to_avoid_all_pain(client_for, therapist, runner):
    """On a tendon plan (up to 5/10 accepted), 6/10 gets the quarter cut without "don't push"."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=2)
    program.tissue = "tendon"
    program.save(update_fields=["tissue"])
    body = _log(client_for(runner), program, pain_during=6)
    assert "do a little less: about a quarter fewer reps or shorter holds." in body
    assert "push through" not in body
    assert "This goes to your therapist, who will confirm the new dose with you." in body
    assert "Until then, use the lower dose." in body


def test_weighted_protocol_is_told_to_take_weight_off(client_for, therapist, runner):
    """Heavy slow resistance with a weight: the cut names less weight, as the suggestion does."""
    program = program_with_items(
        therapist=therapist, patient=runner.patient, count=0, publish=False
    )
    exercise = Exercise.objects.filter(slug="hsr_seated_heel_raise").first() or ExerciseFactory(
        slug="hsr_seated_heel_raise", name="Seated heel raise (heavy slow resistance)"
    )
    item = services.program_item_add(program=program, exercise=exercise)
    services.program_item_update(item=item, load_kg=Decimal("20"), sets=3, reps=15)
    services.program_publish(program=program, by=therapist)
    body = _log(client_for(runner), program, pain_during=8)
    assert "do about half as much: less weight, or fewer reps or shorter holds if you use no " in (
        body
    )
    assert "take about 50% of the weight off" in program.suggestions.get().reason


# --- Run load warnings (items 11–13) ------------------------------------------------------------


def test_intake_reference_is_named_as_the_registration_figure():
    """A spike measured against the intake's longest run says so, not "the 30 days before"."""
    from programs.portal.runs import load_warning_text
    from programs.rules import load

    warning = load.spike_warning(
        run_km=15.0,
        previous_runs=[(dt.date(2026, 12, 1), 5.0)],
        run_date=dt.date(2026, 12, 4),
        intake=load.IntakeLongestRun(reported_on=dt.date(2026, 11, 30), km=10.0),
    )
    text = load_warning_text(warning, run_km=15.0, unit="km")
    assert "as long as the longest run you reported when you registered." in text
    assert "in the 30 days before it" not in text


def test_small_and_moderate_jumps_get_the_same_advice():
    """10–30% and 30–100% longer: both told to keep within about 10%, neither called safe."""
    from programs.portal.runs import load_warning_label, load_warning_text

    advice = "Keep your next runs within about 10% of your longest run of the last 30 days."
    for level, ratio, label in (("small", 1.2, "10–30%"), ("moderate", 1.5, "30–100%")):
        warning = {"level": level, "ratio": ratio, "message": "…"}
        assert advice in load_warning_text(warning, run_km=12, unit="km")
        assert load_warning_label(warning).startswith(f"{label} longer than your longest run")


def test_first_run_back_is_the_usual_way_not_safer():
    """The walk-run advice after a break says "the usual way back", not "safer"."""
    from programs.portal.runs import load_warning_text

    text = load_warning_text({"level": "first_run_back", "ratio": None}, run_km=5, unit="km")
    assert "are the usual way back, rather than going straight back" in text
    assert "safer" not in text
