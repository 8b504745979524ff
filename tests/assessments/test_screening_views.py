"""Screening pages: the runner's questionnaire and the therapist's list, screen and review."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import Screening, ScreeningSource, ScreeningStatus
from assessments.screening import FEATURE_LABELS
from dangpt.conditions import Diagnosis
from dangpt.models import AccessKind, AccessLog
from dangpt.roles import Role
from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

RUNNER_FORM = {
    "regions": ["anterior_knee"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": "6",
    "pain_now": "2",
    "pain_worst_24h": "4",
    "pain_running": "5",
    "timing": ["during_whole_run", "after_running"],
    "aggravators": ["squatting", "stairs_down", "prolonged_sitting"],
    "swelling": "none",
    "recent_load_increase": "yes",
    "fever_or_unwell": "no",
}


def url(name, *args):
    """Reverse an assessments URL."""
    return reverse(f"assessments:{name}", args=args)


def reviewed_refer(therapist, **fields):
    """A reviewed screening with a same-day red flag."""
    fields.setdefault("answers", dict(DVT_ANSWERS))
    return ScreeningFactory(
        source=ScreeningSource.THERAPIST,
        status=ScreeningStatus.REVIEWED,
        reviewed_by=therapist,
        reviewed_at=timezone.now(),
        **fields,
    )


# --- Runner questionnaire ---------------------------------------------------------------


def test_runner_sees_the_questionnaire_in_plain_language(client_for, runner):
    """The questionnaire shows the body-region checkboxes and no exam findings."""
    response = client_for(runner).get(url("questionnaire"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="regions" value="dorsal_midfoot"' in html
    assert html.count('type="checkbox"') >= 18
    assert "Top of the midfoot" in html
    assert "Royal London" not in html
    assert "assessments/screening.js" in html
    assert "<script>" not in html  # no inline scripts


def test_runner_sends_a_draft_for_the_therapist(client_for, runner):
    """Sending the questionnaire stores a draft runner screening with normalised answers."""
    response = client_for(runner).post(url("questionnaire"), RUNNER_FORM)
    assert response.status_code == 302
    assert response["Location"] == url("questionnaire_sent")
    screening = Screening.objects.get()
    assert screening.patient == runner.patient
    assert screening.source == ScreeningSource.RUNNER
    assert screening.status == ScreeningStatus.DRAFT
    assert screening.created_by == runner
    assert screening.answers["pain_now"] == 2
    assert screening.answers["duration_weeks"] == 6
    assert screening.answers["recent_load_increase"] is True
    assert screening.answers["fever_or_unwell"] is False
    assert "limp" not in screening.answers  # unanswered is "not asked", never "no"
    assert screening.result["conditions"][0]["code"] == "pfps"


@pytest.mark.parametrize("region", ["pubic_bone", "buttock_sacrum"])
def test_runner_is_not_asked_to_self_press_where_they_cannot(client_for, runner, region):
    """A self-press answer for the pubic bone or sacrum (no JavaScript) is ignored."""
    data = {**RUNNER_FORM, "regions": [region], "focal_bone_tenderness": "yes"}
    assert client_for(runner).post(url("questionnaire"), data).status_code == 302
    assert "focal_bone_tenderness" not in Screening.objects.get().answers


def test_runner_self_check_kept_at_a_low_risk_site(client_for, runner):
    """Away from high-risk sites, the runner's self-check answer is kept."""
    data = {**RUNNER_FORM, "focal_bone_tenderness": "no"}
    client_for(runner).post(url("questionnaire"), data)
    assert Screening.objects.get().answers["focal_bone_tenderness"] == "no"


def test_questionnaire_self_check_is_marked_to_hide_where_no_self_press(client_for, runner):
    """The self-check section hides only for the pubic bone and the sacrum."""
    html = client_for(runner).get(url("questionnaire")).content.decode()
    assert 'data-hide-regions="buttock_sacrum pubic_bone"' in html
    assert "Skip this for the pubic bone and for the buttock or base of the spine." in html
    assert "groin_hip" not in html.split('data-hide-regions="')[1].split('"')[0]


@pytest.mark.parametrize(
    ("region", "flag"),
    [
        ("groin_hip", "suspected_femoral_neck_bsi"),
        ("anterior_shin", "high_risk_site_bsi"),
        ("dorsal_midfoot", "high_risk_site_bsi"),
        ("outer_midfoot", "high_risk_site_bsi"),
    ],
)
def test_runner_self_press_at_a_high_risk_site_is_kept_and_refers(client_for, runner, region, flag):
    """At the groin, front of the shin and top or outside of the midfoot the press counts (#8)."""
    data = {**RUNNER_FORM, "regions": [region], "focal_bone_tenderness": "yes"}
    assert client_for(runner).post(url("questionnaire"), data).status_code == 302
    screening = Screening.objects.get()
    assert screening.answers["focal_bone_tenderness"] == "yes"
    assert flag in [f["code"] for f in screening.result["red_flags"]]
    assert screening.suspected_bsi is True


def test_runner_self_press_alone_at_the_arch_stays_below_the_bone_stress_threshold(
    client_for, runner
):
    """A self-reported spot alone, away from high-risk sites, does not suspect a BSI (#4)."""
    data = {**RUNNER_FORM, "regions": ["arch"], "focal_bone_tenderness": "yes", "timing": []}
    data["recent_load_increase"] = "no"
    client_for(runner).post(url("questionnaire"), data)
    screening = Screening.objects.get()
    assert screening.answers["focal_bone_tenderness"] == "yes"
    assert screening.suspected_bsi is False


@pytest.mark.parametrize(
    ("change", "field"),
    [({"pain_now": "11"}, "pain_now"), ({"regions": []}, "regions"), ({"side": "up"}, "side")],
)
def test_invalid_questionnaire_shows_errors_and_stores_nothing(client_for, runner, change, field):
    """Bad answers re-show the form with a message at the field; nothing is stored."""
    response = client_for(runner).post(url("questionnaire"), {**RUNNER_FORM, **change})
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert not Screening.objects.exists()


def test_questionnaire_wrong_method_is_405(client_for, runner):
    """Only GET and POST."""
    assert client_for(runner).put(url("questionnaire")).status_code == 405


@pytest.mark.parametrize("name", ["questionnaire", "questionnaire_sent"])
def test_questionnaire_anonymous_goes_to_login(client, name):
    """Anonymous visitors are sent to sign in."""
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST])
def test_questionnaire_is_for_runners_only(client_for, make_user, role):
    """Staff get 404 from the runner's questionnaire."""
    assert client_for(make_user(role)).get(url("questionnaire")).status_code == 404


def test_runner_without_patient_record_gets_404(client_for, make_user):
    """A runner login not linked to a patient has no questionnaire."""
    assert client_for(make_user(Role.RUNNER)).get(url("questionnaire")).status_code == 404


# --- Therapist list -----------------------------------------------------------------------


def test_list_shows_drafts_to_review(client_for, therapist):
    """The default list shows runner drafts, not reviewed screenings."""
    draft = ScreeningFactory()
    reviewed_refer(therapist)
    response = client_for(therapist).get(url("screening_list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [draft]


def test_list_of_red_flags_to_acknowledge(client_for, therapist):
    """The red-flag filter lists only unacknowledged refer screenings."""
    waiting = reviewed_refer(therapist)
    reviewed_refer(therapist, acknowledged_by=therapist, acknowledged_at=timezone.now())
    ScreeningFactory()
    response = client_for(therapist).get(url("screening_list"), {"show": "unacknowledged"})
    assert list(response.context["page"].object_list) == [waiting]
    assert "Red flag to acknowledge" in response.content.decode()


def test_list_empty_state(client_for, therapist):
    """With nothing to review the list says so."""
    response = client_for(therapist).get(url("screening_list"))
    assert "No runner questionnaires waiting for review" in response.content.decode()


def test_list_paginates(client_for, therapist):
    """The list shows 25 a page."""
    ScreeningFactory.create_batch(27)
    response = client_for(therapist).get(url("screening_list"), {"page": 2})
    assert len(response.context["page"].object_list) == 2


def _list_queries(client) -> int:
    """Number of queries one list page takes."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("screening_list"), {"show": "all"}).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_rows(client_for, therapist):
    """The list runs the same number of queries for 1 and 25 rows (a full page)."""
    client = client_for(therapist)
    ScreeningFactory()
    one = _list_queries(client)
    ScreeningFactory.create_batch(49)
    assert _list_queries(client) == one


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.RUNNER])
def test_list_hidden_from_front_desk_and_runners(client_for, make_user, role):
    """Front desk and runners get 404 from the screenings list."""
    assert client_for(make_user(role)).get(url("screening_list")).status_code == 404


def test_list_wrong_method_is_405(client_for, therapist):
    """The list only answers GET."""
    assert client_for(therapist).post(url("screening_list")).status_code == 405


def test_list_anonymous_goes_to_login(client):
    """Anonymous visitors are sent to sign in."""
    assert client.get(url("screening_list"))["Location"].startswith(reverse("login"))


# --- Therapist screen, review, acknowledge, diagnose -------------------------------------


def test_review_page_is_prefilled_from_the_runner(client_for, therapist):
    """The screen page starts from the runner's answers and offers the exam findings."""
    screening = ScreeningFactory()
    response = client_for(therapist).get(url("screening_review", screening.pk))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["regions"] == ["anterior_knee"]
    assert form.initial["recent_load_increase"] == "yes"
    assert "exam_hop_pain" in form.fields


def test_review_with_exam_findings_marks_reviewed(client_for, therapist):
    """Posting answers with exam findings re-screens and marks the screening reviewed."""
    screening = ScreeningFactory()
    data = {
        **RUNNER_FORM,
        "exam_patellar_palpation_pain": "yes",
        "exam_squat_pain": "yes",
        "exam_hop_pain": "no",
    }
    response = client_for(therapist).post(url("screening_review", screening.pk), data)
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.REVIEWED
    assert screening.reviewed_by == therapist
    assert screening.answers["exam"] == {
        "patellar_palpation_pain": True,
        "squat_pain": True,
        "hop_pain": False,
    }
    reasons = [r["feature"] for r in screening.result["conditions"][0]["reasons"]]
    assert screening.result["conditions"][0]["code"] == "pfps"
    assert "exam_two_of_three_pfp_tests" in reasons


def test_review_invalid_input_keeps_the_old_answers(client_for, therapist):
    """An invalid review shows errors and changes nothing."""
    screening = ScreeningFactory()
    data = {**RUNNER_FORM, "pain_now": "-1"}
    response = client_for(therapist).post(url("screening_review", screening.pk), data)
    assert response.status_code == 200
    assert response.context["form"].errors["pain_now"]
    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.DRAFT


def test_detail_shows_red_flags_first_as_decision_support(client_for, therapist):
    """Red flags with urgency come before the ranked patterns, worded as decision support."""
    screening = reviewed_refer(therapist)
    html = client_for(therapist).get(url("screening_detail", screening.pk)).content.decode()
    assert html.index('data-red-flag="suspected_dvt"') < html.index("Ranked patterns")
    assert "Same day" in html
    assert "Decision support only" in html
    assert "Acknowledge red flags" in html


def test_detail_lists_reasons_in_words(client_for, therapist):
    """Reasons are shown with their human-readable labels."""
    screening = ScreeningFactory(answers=dict(RUNNER_FORM_ANSWERS))
    html = client_for(therapist).get(url("screening_detail", screening.pk)).content.decode()
    assert FEATURE_LABELS["pfps"]["pain_with_squatting"] in html


RUNNER_FORM_ANSWERS = {
    "regions": ["anterior_knee"],
    "side": "left",
    "onset": "gradual",
    "pain_now": 2,
    "pain_worst_24h": 4,
    "pain_running": 5,
    "aggravators": ["squatting"],
}


def test_acknowledge_records_who_when_and_note(client_for, therapist):
    """Acknowledging stores the therapist, the time and the note."""
    screening = reviewed_refer(therapist)
    response = client_for(therapist).post(
        url("screening_acknowledge", screening.pk), {"note": "Sent to urgent care today"}
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.acknowledged_by == therapist
    assert screening.acknowledged_at is not None
    assert screening.acknowledgement_note == "Sent to urgent care today"


def test_acknowledge_needs_a_note(client_for, therapist):
    """An empty note is refused at the field; nothing is acknowledged."""
    screening = reviewed_refer(therapist)
    response = client_for(therapist).post(url("screening_acknowledge", screening.pk), {"note": ""})
    assert response.status_code == 400
    assert response.context["ack_form"].errors["note"]
    screening.refresh_from_db()
    assert screening.acknowledged_at is None


def test_acknowledge_refused_without_red_flags(client_for, therapist):
    """A treat screening cannot be acknowledged."""
    screening = ScreeningFactory(
        status=ScreeningStatus.REVIEWED, reviewed_by=therapist, reviewed_at=timezone.now()
    )
    response = client_for(therapist).post(
        url("screening_acknowledge", screening.pk), {"note": "ok"}
    )
    assert response.status_code == 400
    screening.refresh_from_db()
    assert screening.acknowledged_at is None


def test_diagnosis_is_recorded(client_for, therapist):
    """The final working diagnosis and its author are stored."""
    screening = reviewed_refer(therapist)
    response = client_for(therapist).post(
        url("screening_diagnose", screening.pk), {"diagnosis": "other", "note": "DVT confirmed"}
    )
    assert response.status_code == 302
    screening.refresh_from_db()
    assert screening.final_diagnosis == "other"
    assert screening.final_diagnosis_note == "DVT confirmed"
    assert screening.diagnosed_by == therapist


def test_diagnosis_other_needs_details(client_for, therapist):
    """Choosing other without details is refused at the field."""
    screening = reviewed_refer(therapist)
    response = client_for(therapist).post(
        url("screening_diagnose", screening.pk), {"diagnosis": "other", "note": ""}
    )
    assert response.status_code == 400
    assert response.context["diagnosis_form"].errors["note"]
    screening.refresh_from_db()
    assert screening.final_diagnosis == ""


def test_diagnosis_refused_on_a_draft(client_for, therapist):
    """A draft must be reviewed before a diagnosis is recorded."""
    screening = ScreeningFactory()
    response = client_for(therapist).post(
        url("screening_diagnose", screening.pk), {"diagnosis": "pfps"}
    )
    assert response.status_code == 400
    screening.refresh_from_db()
    assert screening.final_diagnosis == ""


def test_therapist_starts_a_new_screening(client_for, therapist):
    """A therapist's own screening is stored as reviewed and opens the result."""
    patient = PatientFactory()
    data = {**RUNNER_FORM, "patient": patient.pk, "exam_squat_pain": "yes"}
    response = client_for(therapist).post(url("screening_start"), data)
    screening = Screening.objects.get()
    assert response["Location"] == url("screening_detail", screening.pk)
    assert screening.status == ScreeningStatus.REVIEWED
    assert screening.source == ScreeningSource.THERAPIST
    assert screening.answers["exam"] == {"squat_pain": True}


def test_new_screening_needs_a_patient(client_for, therapist):
    """Without a patient nothing is stored."""
    response = client_for(therapist).post(url("screening_start"), RUNNER_FORM)
    assert response.status_code == 200
    assert not Screening.objects.exists()


OBJECT_PAGES = [
    ("get", "screening_detail"),
    ("get", "screening_review"),
    ("post", "screening_acknowledge"),
    ("post", "screening_diagnose"),
]


@pytest.mark.parametrize(("method", "name"), OBJECT_PAGES)
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.RUNNER, Role.MANAGER])
def test_object_pages_404_for_other_roles(client_for, make_user, role, method, name):
    """Front desk, runners (even the screening's own runner) and managers get 404."""
    screening = ScreeningFactory()
    client = client_for(make_user(role))
    assert getattr(client, method)(url(name, screening.pk)).status_code == 404


def test_own_runner_cannot_open_their_screening(client_for, runner):
    """The runner who filled the questionnaire cannot open the therapist's pages."""
    screening = ScreeningFactory(patient=runner.patient)
    assert client_for(runner).get(url("screening_detail", screening.pk)).status_code == 404


@pytest.mark.parametrize(("method", "name"), OBJECT_PAGES)
def test_object_pages_404_for_unknown_ids(client_for, therapist, method, name):
    """A screening that does not exist is 404."""
    assert getattr(client_for(therapist), method)(url(name, 987654)).status_code == 404


@pytest.mark.parametrize(
    ("method", "name"),
    [
        ("post", "screening_detail"),
        ("delete", "screening_review"),
        ("get", "screening_acknowledge"),
        ("get", "screening_diagnose"),
    ],
)
def test_object_pages_wrong_method_is_405(client_for, therapist, method, name):
    """Each page answers only its own methods."""
    screening = ScreeningFactory()
    assert getattr(client_for(therapist), method)(url(name, screening.pk)).status_code == 405


@pytest.mark.parametrize(("method", "name"), OBJECT_PAGES)
def test_object_pages_anonymous_goes_to_login(client, method, name):
    """Anonymous visitors are sent to sign in."""
    screening = ScreeningFactory()
    response = getattr(client, method)(url(name, screening.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_nav_links_per_role(client_for, therapist, runner):
    """Therapists see Screenings; runners reach the symptom questionnaire from Questionnaires."""
    from django.test import Client

    html = client_for(therapist).get(url("screening_list")).content.decode()
    assert 'href="/screenings/" aria-current="page">Screenings<' in html
    runner_client = Client()
    runner_client.force_login(runner)
    html = runner_client.get(url("questionnaire")).content.decode()
    assert 'href="/me/measures/" aria-current="page">Questionnaires</a>' in html
    html = runner_client.get(url("my_measures")).content.decode()
    assert 'href="/me/questionnaire/">Symptom questionnaire</a>' in html


def test_runner_is_asked_the_issue_15_questions(client_for, runner):
    """The questionnaire asks the new regions, push-off, periods and stress-fracture count."""
    html = client_for(runner).get(url("questionnaire")).content.decode()
    for region in ("buttock_sacrum", "pubic_bone", "outer_midfoot"):
        assert f'name="regions" value="{region}"' in html
    assert 'name="weak_push_off"' in html
    assert "rising onto your toes on that leg alone" in html
    assert "first period come after you turned 15" in html
    assert 'name="bone_stress_injuries_2y"' in html


def test_runner_answers_to_the_new_questions_are_stored(client_for, runner):
    """Answers to the new questions reach the stored screening in the engine's format."""
    data = {
        **RUNNER_FORM,
        "regions": ["pubic_bone"],
        "weak_push_off": "no",
        "periods_never_started_by_15": "yes",
        "bone_stress_injuries_2y": "1",
    }
    assert client_for(runner).post(url("questionnaire"), data).status_code == 302
    answers = Screening.objects.get().answers
    assert answers["regions"] == ["pubic_bone"]
    assert answers["weak_push_off"] is False
    assert answers["periods_never_started_by_15"] is True
    assert answers["bone_stress_injuries_2y"] == 1


# --- Runner thank-you page (issue 15 #8) ------------------------------------------------------

GROIN_MISSED_PERIODS = {
    **RUNNER_FORM,
    "regions": ["groin_hip"],
    "timing": ["during_whole_run"],
    "aggravators": [],
    "recent_load_increase": "no",
    "missed_periods_3_months": "yes",
}
DIAGNOSIS_WORDS = ("femoral", "stress fracture", "bone stress", "REDs", "Pattern consistent")


def test_thank_you_page_says_call_today_for_a_same_day_concern(client_for, runner):
    """Groin pain in runs with missed periods: call the clinic today, do not run; no diagnosis."""
    location = runner.patient.preferred_location
    location.phone = "(213) 555-0142"
    location.save()
    client = client_for(runner)
    client.post(url("questionnaire"), GROIN_MISSED_PERIODS)
    screening = Screening.objects.get()
    assert screening.urgency == "same_day"
    response = client.get(url("questionnaire_sent"))
    html = response.content.decode()
    assert "Please call the clinic today" in html
    assert "Do not run, hop or jump until you have been seen." in html
    assert 'href="tel:+12135550142">(213) 555-0142</a>' in html  # dials E.164, reads US
    assert "urgent care center or emergency room today" in html
    assert "before your next visit" not in html  # 'soon' undercut 'today'
    assert "see you today" in html
    assert "If walking hurts or you limp, walk as little as possible until you are seen." in html
    for words in DIAGNOSIS_WORDS:
        assert words.lower() not in html.lower(), words
    assert AccessLog.objects.filter(
        user=runner, kind=AccessKind.SCREENING, patient=runner.patient
    ).exists()


def test_thank_you_page_says_call_today_for_a_prompt_concern(client_for, runner):
    """A prompt concern (night pain) also says call today, without the urgent-care line."""
    client = client_for(runner)
    client.post(url("questionnaire"), {**RUNNER_FORM, "timing": ["at_night"]})
    assert Screening.objects.get().urgency == "prompt"
    html = client.get(url("questionnaire_sent")).content.decode()
    assert "Please call the clinic today" in html
    assert "Do not run, hop or jump until you have been seen." in html
    assert "urgent care center" not in html
    assert "before your next visit" not in html
    assert "If walking hurts or you limp, walk as little as possible until you are seen." in html


@pytest.mark.parametrize(
    "answers",
    [{"calf_swelling_warmth": "yes"}, {"foot_cold_pale_or_weak": "yes"}],
    ids=["dvt", "cold-foot"],
)
def test_thank_you_page_says_seek_medical_care_today_for_dvt_or_a_cold_foot(
    client_for, runner, answers
):
    """A possible DVT or a cold, pale foot: urgent care or the ER today, not only a call."""
    location = runner.patient.preferred_location
    location.phone = "(213) 555-0142"
    location.save()
    client = client_for(runner)
    client.post(url("questionnaire"), {**RUNNER_FORM, **answers})
    assert Screening.objects.get().urgency == "same_day"
    html = client.get(url("questionnaire_sent")).content.decode()
    assert "Please seek medical care today" in html
    assert "Go to an urgent care center or emergency room today" in html
    assert "Please call the clinic today" not in html
    assert 'href="tel:+12135550142">(213) 555-0142</a>' in html  # dials E.164, reads US
    for words in ("thrombosis", "DVT", "clot", "ischaemia", "circulation"):
        assert words.lower() not in html.lower(), words


def test_thank_you_page_is_calm_when_nothing_needs_a_prompt_look(client_for, runner):
    """A runner's-knee pattern gets the usual thanks, no call-today box."""
    client = client_for(runner)
    client.post(url("questionnaire"), RUNNER_FORM)
    assert Screening.objects.get().disposition == "treat"
    html = client.get(url("questionnaire_sent")).content.decode()
    assert "Please call the clinic today" not in html
    assert "go through them with you at your visit" in html


def test_thank_you_page_ignores_another_patients_screening(client_for, runner):
    """A screening id in the session that is not the runner's own is never read back."""
    other = ScreeningFactory(answers=dict(DVT_ANSWERS))
    client = client_for(runner)
    session = client.session
    session["questionnaire_sent"] = other.pk
    session.save()
    html = client.get(url("questionnaire_sent")).content.decode()
    assert "Please call the clinic today" not in html
    assert not AccessLog.objects.filter(kind=AccessKind.SCREENING).exists()


def test_ranking_does_not_call_a_zero_match_a_pattern(client_for, therapist):
    """Conditions under the floor are listed by name, never as 'Pattern consistent with'."""
    screening = reviewed_refer(therapist)
    page = client_for(therapist).get(url("screening_detail", screening.pk)).content.decode()
    html = unescape(page)
    zero = [c for c in screening.result["conditions"] if c["score_pct"] == 0]
    assert zero
    for condition in zero:
        name = dict(Diagnosis.choices)[condition["code"]]
        assert f"Pattern consistent with {name}" not in html
        assert f"{name}: few or no matching answers" in html


def test_list_shows_the_urgency_of_a_same_day_screening(client_for, therapist):
    """The list marks a same-day screening so the therapist sees it first."""
    reviewed_refer(therapist)
    html = client_for(therapist).get(url("screening_list") + "?show=all").content.decode()
    assert '<span class="badge text-bg-danger">Same day</span>' in html
