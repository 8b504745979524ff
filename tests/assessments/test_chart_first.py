"""Chart first for therapists: My day's links, the chart's summary and timeline, and a new note
started from a visit with what is known filled in."""

import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from assessments.forms.evaluations import visit_label
from assessments.models import Evaluation
from dangpt.models import AccessLog
from patients.models import RunningProfile
from tests.assessments.factories import (
    DVT_ANSWERS,
    EvaluationFactory,
    OutcomeResultFactory,
    ScreeningFactory,
)
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import AppointmentFactory, AppointmentTypeFactory
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's visible text, tags and scripts stripped."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _signed(**fields):
    signer = fields["therapist"]
    return EvaluationFactory(status="signed", signed_by=signer, signed_at=timezone.now(), **fields)


@pytest.fixture
def east():
    return LocationFactory(name="Dang PT New York", time_zone="America/New_York")


@pytest.fixture
def visit_type():
    return AppointmentTypeFactory(name="Follow-up visit", duration_minutes=45)


def _visit(patient, therapist, location, visit_type, start, **fields):
    return AppointmentFactory(
        patient=patient,
        therapist=therapist,
        location=location,
        appointment_type=visit_type,
        start=start,
        **fields,
    )


# --- Chart: summary header ---------------------------------------------------------------------


def test_chart_summary_shows_what_matters_clinically(client_for, therapist, east, visit_type):
    """Age and sex, working diagnosis by label, red flags as decision support, active program,
    next visit in the location's zone and 12-hour time, latest outcome by name, injuries and
    address."""
    today = timezone.localdate()
    born = today.replace(year=today.year - 34) - dt.timedelta(days=1)
    patient = PatientFactory(
        date_of_birth=born,
        sex="female",
        address="12 Rose Ave\nVenice, CA 90291",
    )
    RunningProfile.objects.create(patient=patient, previous_injuries="Left tibial stress 2023")
    _signed(patient=patient, therapist=therapist, working_diagnosis="pfps")
    ScreeningFactory(patient=patient, answers=dict(DVT_ANSWERS))
    program_with_items(therapist=therapist, patient=patient, count=1)
    next_start = (timezone.now() + dt.timedelta(days=3)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )
    _visit(patient, therapist, east, visit_type, next_start)
    OutcomeResultFactory(
        patient=patient, instrument="faam_adl", score=61, max_score=100, answers={}
    )

    response = client_for(therapist).get(reverse("assessments:patient_chart", args=[patient.pk]))
    text = _text(response)
    assert response.status_code == 200
    assert "34 years · Female" in text
    assert "Patellofemoral pain (runner's knee)" in text
    assert "pfps" not in text
    alert = re.search(
        r'role="alert" id="summary-red-flags">(.*?)</div>', response.content.decode(), re.S
    )
    assert alert and "consider referral" in alert.group(1)
    assert "Decision support" in alert.group(1) and "not a diagnosis" in alert.group(1)
    assert "Knee program" in text and "active since" in text
    local = next_start.astimezone(dt.UTC).astimezone(ZoneInfo("America/New_York"))
    shown = f"{local:%a}, {local:%b} {local.day}, {local.hour % 12 or 12}:{local:%M} {local:%p}"
    assert shown in text and "Follow-up visit" in text
    assert (
        "Foot and Ankle Ability Measure - Activities of Daily Living (FAAM ADL): 61 / 100" in text
    )
    assert "61.0" not in text
    assert "FAAM_ADL" not in text and "faam_adl" not in text
    assert "Left tibial stress 2023" in text
    assert "12 Rose Ave, Venice, CA 90291" in text
    assert not re.search(r"\b\d{1,2}:\d{2}\b(?! ?[AP]M)", text), "a 24-hour time on the chart"


def test_chart_summary_without_records_says_so(client_for, therapist):
    patient = PatientFactory()
    text = _text(client_for(therapist).get(reverse("assessments:patient_chart", args=[patient.pk])))
    for phrase in ("None recorded yet", "No active program", "None booked", "None reported"):
        assert phrase in text
    assert "summary-red-flags" not in text


def test_chart_is_still_audited(client_for, therapist):
    patient = PatientFactory()
    client_for(therapist).get(reverse("assessments:patient_chart", args=[patient.pk]))
    assert AccessLog.objects.filter(patient_id=patient.pk, kind="chart").count() == 1


# --- Chart: timeline ---------------------------------------------------------------------------


def test_timeline_mixes_every_kind_newest_first(client_for, therapist, east, visit_type):
    patient = PatientFactory()
    now = timezone.now()
    _visit(patient, therapist, east, visit_type, now - dt.timedelta(days=30))
    EvaluationFactory(
        patient=patient, therapist=therapist, evaluated_on=timezone.localdate() - dt.timedelta(20)
    )
    screening = ScreeningFactory(patient=patient)
    OutcomeResultFactory(
        patient=patient,
        instrument="lefs",
        max_score=80,
        score=50,
        answers={},
        taken_at=now - dt.timedelta(days=10),
    )
    program_with_items(therapist=therapist, patient=patient, count=1)
    url = reverse("assessments:patient_chart", args=[patient.pk])

    body = client_for(therapist).get(url).content.decode()
    kinds = re.findall(r'data-timeline="(\w+)"', body)
    # The screening and the program are of today, the result 10 days ago, the note 20, the visit 30.
    assert sorted(kinds[:2]) == ["programs", "screenings"]
    assert kinds[2:] == ["outcomes", "notes", "visits"]
    assert f'href="/screenings/{screening.pk}/"' in body
    assert "Lower Extremity Functional Scale (LEFS)" in body and ">lefs<" not in body

    only_visits = client_for(therapist).get(url, {"kind": "visits"}).content.decode()
    assert re.findall(r'data-timeline="(\w+)"', only_visits) == ["visits"]
    assert 'aria-current="true">Visits<' in only_visits


def test_timeline_is_capped_with_a_show_all(client_for, therapist):
    patient = PatientFactory()
    for _ in range(20):
        ScreeningFactory(patient=patient)
    url = reverse("assessments:patient_chart", args=[patient.pk])
    body = client_for(therapist).get(url).content.decode()
    assert body.count("data-timeline=") == 15 and "Show all records" in body
    everything = client_for(therapist).get(url, {"timeline": "all"}).content.decode()
    assert everything.count("data-timeline=") == 20 and "Show all records" not in everything


def test_timeline_visits_offer_start_or_continue_note(client_for, therapist, east, visit_type):
    patient = PatientFactory()
    now = timezone.now()
    done = _visit(patient, therapist, east, visit_type, now - dt.timedelta(days=2))
    drafted = _visit(patient, therapist, east, visit_type, now - dt.timedelta(days=9))
    _visit(
        patient,
        therapist,
        east,
        visit_type,
        now - dt.timedelta(days=5),
        status="cancelled",
        cancelled_at=now,
    )
    draft = EvaluationFactory(patient=patient, therapist=therapist, appointment=drafted)
    body = (
        client_for(therapist)
        .get(reverse("assessments:patient_chart", args=[patient.pk]))
        .content.decode()
    )
    new = reverse("assessments:evaluation_new", args=[patient.pk])
    assert f"{new}?appointment={done.pk}" in body
    assert f"{new}?appointment={drafted.pk}" not in body
    assert reverse("assessments:evaluation_edit", args=[draft.pk]) in body
    assert body.count(">Start note<") == 1


# --- My day ------------------------------------------------------------------------------------


def test_my_day_links_each_visit_to_the_chart_and_a_note(client_for, therapist, east, visit_type):
    today = timezone.localdate()
    start = dt.datetime.combine(today, dt.time(15, 0), tzinfo=timezone.get_current_timezone())
    patient, other = PatientFactory(), PatientFactory()
    first = _visit(patient, therapist, east, visit_type, start)
    second = _visit(other, therapist, east, visit_type, start + dt.timedelta(hours=1))
    draft = EvaluationFactory(patient=other, therapist=therapist, appointment=second)

    body = client_for(therapist).get(reverse("patients:my_day")).content.decode()
    assert reverse("assessments:patient_chart", args=[patient.pk]) in body
    assert reverse("assessments:patient_chart", args=[other.pk]) in body
    assert (
        f"{reverse('assessments:evaluation_new', args=[patient.pk])}?appointment={first.pk}" in body
    )
    assert reverse("assessments:evaluation_edit", args=[draft.pk]) in body
    local = first.start.astimezone(ZoneInfo("America/New_York"))
    assert f"{local.hour % 12 or 12}:00 {local:%p}" in body
    assert not re.search(r"\b\d{2}:\d{2}\b", _text_between(body, "<main", "Calendar feed"))


def _text_between(body: str, start: str, end: str) -> str:
    return body[body.find(start) : body.find(end)]


# --- A new note started from a visit -----------------------------------------------------------


def test_new_note_from_a_visit_is_filled_in(client_for, therapist, east, visit_type):
    patient = PatientFactory()
    # 11:30 PM in New York on Jan 5 is Jan 6 in UTC: the note's day is the visit's local day.
    start = dt.datetime(2026, 1, 6, 4, 30, tzinfo=dt.UTC)
    visit = _visit(patient, therapist, east, visit_type, start)
    _signed(
        patient=patient,
        therapist=therapist,
        kind="initial",
        evaluated_on=dt.date(2025, 12, 1),
        exam={"rom": {"knee_to_wall_cm": {"left": 9.0, "right": 12.5}}},
        working_diagnosis="pfps",
    )
    screening = ScreeningFactory(patient=patient)  # filled in the day before the visit
    screening.created_at = start - dt.timedelta(days=1)
    screening.save(update_fields=["created_at"])
    ScreeningFactory(patient=PatientFactory())  # another runner's

    response = client_for(therapist).get(
        reverse("assessments:evaluation_new", args=[patient.pk]), {"appointment": visit.pk}
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert form["evaluated_on"].value() == dt.date(2026, 1, 5)
    assert form["appointment"].value() == visit.pk
    assert form["screening"].value() == screening.pk
    assert [pk for pk, _ in form.fields["screening"].choices if pk] == [screening.pk]
    assert form["kind"].value() == "follow_up"
    history = form["history"].value()
    assert "Where does it hurt?" in history and "2 / 10" in history
    assert "anterior_knee" not in history
    assert form["rom_knee_to_wall_cm_left"].value() is None  # measured today, not carried
    assert form["working_diagnosis"].value() in ("", None)
    text = _text(response)
    assert "last: 9 / 12.5 cm, Dec 1, 2025" in text
    assert "signed note of Dec 1, 2025 for comparison — check before signing." in text
    assert "Pattern consistent with Patellofemoral pain" in text  # the hint, not a diagnosis
    assert " ;" not in text
    assert "Mon, Jan 5, 11:30 PM" in text


def test_first_note_is_an_initial_evaluation_dated_today(client_for, therapist):
    patient = PatientFactory()
    EvaluationFactory(patient=patient, therapist=therapist, kind="initial")  # a draft only
    form = (
        client_for(therapist)
        .get(reverse("assessments:evaluation_new", args=[patient.pk]))
        .context["form"]
    )
    assert form["kind"].value() == "initial"
    assert form["evaluated_on"].value() == timezone.localdate()
    assert form["history"].value() in ("", None)


def test_another_patients_visit_is_not_found(client_for, therapist, east, visit_type):
    patient, other = PatientFactory(), PatientFactory()
    theirs = _visit(other, therapist, east, visit_type, timezone.now())
    url = reverse("assessments:evaluation_new", args=[patient.pk])
    client = client_for(therapist)
    assert client.get(url, {"appointment": theirs.pk}).status_code == 404
    assert client.get(url, {"appointment": "x"}).status_code == 404
    assert client.get(url, {"appointment": "999999"}).status_code == 404


def test_cancelled_visit_is_ignored_with_a_message(client_for, therapist, east, visit_type):
    patient = PatientFactory()
    now = timezone.now()
    visit = _visit(patient, therapist, east, visit_type, now, status="cancelled", cancelled_at=now)
    response = client_for(therapist).get(
        reverse("assessments:evaluation_new", args=[patient.pk]), {"appointment": visit.pk}
    )
    assert response.status_code == 200
    assert response.context["form"]["appointment"].value() is None
    assert "That visit was cancelled" in response.content.decode()


def test_a_visit_with_a_draft_opens_the_draft(client_for, therapist, east, visit_type):
    patient = PatientFactory()
    visit = _visit(patient, therapist, east, visit_type, timezone.now())
    draft = EvaluationFactory(patient=patient, therapist=therapist, appointment=visit)
    response = client_for(therapist).get(
        reverse("assessments:evaluation_new", args=[patient.pk]), {"appointment": visit.pk}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:evaluation_edit", args=[draft.pk])


def test_posting_a_note_of_a_visit_with_a_draft_keeps_what_was_typed(
    client_for, therapist, east, visit_type
):
    """A second tab (or a resubmit) posts a new note of a visit that has a draft meanwhile: the
    text is saved as a note of its own, never dropped by a redirect to the other draft."""
    patient = PatientFactory()
    visit = _visit(patient, therapist, east, visit_type, timezone.now() - dt.timedelta(hours=2))
    draft = EvaluationFactory(patient=patient, therapist=therapist, appointment=visit)
    url = reverse("assessments:evaluation_new", args=[patient.pk])
    data = {
        "kind": "follow_up",
        "evaluated_on": timezone.localdate().isoformat(),
        "appointment": visit.pk,
        "history": "Typed in the second tab",
    }
    response = client_for(therapist).post(f"{url}?appointment={visit.pk}", data, follow=True)
    saved = Evaluation.objects.exclude(pk=draft.pk).get(patient=patient)
    assert saved.history == "Typed in the second tab"
    assert "another draft note of this visit" in _text(response)


def test_new_note_logs_the_screening_and_the_note_it_shows(client_for, therapist):
    """The page shows the screening's answers and the last signed note's exam besides the
    running profile: each read is in the access log by its own kind and id."""
    patient = PatientFactory()
    screening = ScreeningFactory(patient=patient, answers=dict(NIGHT_FEVER_ANSWERS))
    note = _signed(
        patient=patient,
        therapist=therapist,
        exam={"rom": {"knee_to_wall_cm": {"left": 9.0, "right": 12.5}}},
    )
    _new_note(client_for(therapist), patient)
    logged = set(AccessLog.objects.filter(patient_id=patient.pk).values_list("kind", "what"))
    assert ("screening", f"screening {screening.pk}") in logged
    assert ("evaluation", f"evaluation {note.pk}") in logged


def test_saving_a_prefilled_note_keeps_the_validation(client_for, therapist, east, visit_type):
    """A knee flexion of 500° is refused even when the rest came from the visit."""
    patient = PatientFactory()
    visit = _visit(patient, therapist, east, visit_type, timezone.now() - dt.timedelta(hours=2))
    url = reverse("assessments:evaluation_new", args=[patient.pk])
    data = {
        "kind": "initial",
        "evaluated_on": timezone.localdate().isoformat(),
        "appointment": visit.pk,
        "rom_knee_flexion_deg_left": "500",
    }
    response = client_for(therapist).post(f"{url}?appointment={visit.pk}", data)
    assert response.status_code == 200
    assert "rom_knee_flexion_deg_left" in response.context["form"].errors
    assert not Evaluation.objects.filter(patient=patient).exists()
    data["rom_knee_flexion_deg_left"] = "130"
    response = client_for(therapist).post(f"{url}?appointment={visit.pk}", data)
    assert response.status_code == 302
    assert Evaluation.objects.get(patient=patient).appointment == visit


def test_visit_label_is_twelve_hour_in_the_locations_zone(east, visit_type, therapist):
    visit = _visit(
        PatientFactory(),
        therapist,
        east,
        visit_type,
        dt.datetime(2026, 12, 18, 14, 0, tzinfo=dt.UTC),
    )
    assert visit_label(visit) == "Fri, Dec 18, 2026, 9:00 AM · Follow-up visit"


# --- The front desk's record -------------------------------------------------------------------


def test_patient_record_shows_sex_address_and_previous_injuries(client_for, front_desk, therapist):
    patient = PatientFactory(sex="male", address="400 Main St\nSanta Monica, CA 90401")
    RunningProfile.objects.create(patient=patient, previous_injuries="Right Achilles, 2022")
    url = reverse("patients:detail", args=[patient.pk])
    text = _text(client_for(front_desk).get(url))
    assert "Sex Male" in text
    assert "400 Main St Santa Monica, CA 90401" in text
    assert "Previous injuries Right Achilles, 2022" in text
    chart = reverse("assessments:patient_chart", args=[patient.pk])
    assert chart not in client_for(front_desk).get(url).content.decode()
    assert chart in client_for(therapist).get(url).content.decode()


def test_an_earlier_unacknowledged_red_flag_still_shows(client_for, therapist):
    """The latest screening has no red flags, an earlier one does and nobody acknowledged it."""
    patient = PatientFactory()
    earlier = ScreeningFactory(patient=patient, answers=dict(DVT_ANSWERS))
    ScreeningFactory(patient=patient)
    body = (
        client_for(therapist)
        .get(reverse("assessments:patient_chart", args=[patient.pk]))
        .content.decode()
    )
    # In the red alert, not a milder one: acknowledgement decides what may be prescribed.
    assert 'id="summary-red-flags"' in body
    assert 'id="summary-earlier-flags"' in body
    assert f'href="/screenings/{earlier.pk}/"' in body


# --- Safety first (clinician review) -----------------------------------------------------------

# Groin pain in runs: a possible femoral-neck bone stress injury (same-day flag).
FEMORAL_NECK_ANSWERS = {
    "regions": ["groin_hip"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": 3,
    "pain_now": 1,
    "pain_worst_24h": 4,
    "pain_running": 5,
    "timing": ["during_whole_run"],
}


def _chart(client, patient):
    return client.get(reverse("assessments:patient_chart", args=[patient.pk]))


def test_chart_keeps_an_acknowledged_femoral_neck_hold_above_a_newer_clean_screening(
    client_for, therapist
):
    """Acknowledged but not cleared: the gate still blocks hip loading, impact and running, so
    the header lists the hold and never says "no red flags"."""
    from assessments.services import screening_acknowledge, screening_create

    patient = PatientFactory()
    flagged = screening_create(
        patient=patient, answers=FEMORAL_NECK_ANSWERS, created_by=therapist, source="therapist"
    )
    screening_acknowledge(screening=flagged, acknowledged_by=therapist, note="Hip MRI booked")
    ScreeningFactory(patient=patient)  # a newer, clean screening
    response = _chart(client_for(therapist), patient)
    body, text = response.content.decode(), _text(response)
    assert 'id="summary-red-flags"' in body and 'id="summary-holds"' in body
    assert "Safety holds" in text
    assert "hip and pelvis loading" in text and "running and walk-run stages" in text
    assert "no return-to-run clearance recorded" in text
    assert "no red flags" not in text.lower()


def test_chart_says_no_red_flags_only_of_this_screening_when_nothing_is_open(client_for, therapist):
    patient = PatientFactory()
    ScreeningFactory(patient=patient)
    text = _text(_chart(client_for(therapist), patient))
    assert "this screening: no red flags in the answers given" in text
    assert "Safety holds" not in text


def test_chart_lists_every_unacknowledged_screening_with_flags_and_urgency(client_for, therapist):
    patient = PatientFactory()
    first = ScreeningFactory(patient=patient, answers=dict(DVT_ANSWERS))
    second = ScreeningFactory(patient=patient, answers=dict(FEMORAL_NECK_ANSWERS))
    ScreeningFactory(patient=patient)  # the latest, clean
    response = _chart(client_for(therapist), patient)
    body = response.content.decode()
    alert = body[body.find('id="summary-red-flags"') :]
    alert = alert[: alert.find("</div>")]
    for screening in (first, second):
        assert f'data-unacknowledged="{screening.pk}"' in alert
        assert f'href="/screenings/{screening.pk}/"' in alert
    assert "Same day" in alert
    assert "calf" in html.unescape(alert).lower()


def _new_note(client, patient, **params):
    return client.get(reverse("assessments:evaluation_new", args=[patient.pk]), params)


# Night pain, fever, weight loss and no weight bearing at the shin.
NIGHT_FEVER_ANSWERS = {
    "regions": ["medial_shin"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": 4,
    "pain_now": 4,
    "pain_worst_24h": 7,
    "pain_running": 8,
    "timing": ["at_night", "during_whole_run"],
    "fever_or_unwell": True,
    "unexplained_weight_loss": True,
    "unable_to_bear_weight": True,
}


def test_new_note_shows_the_screenings_red_flags_before_its_patterns(client_for, therapist):
    patient = PatientFactory()
    screening = ScreeningFactory(patient=patient, answers=dict(NIGHT_FEVER_ANSWERS))
    response = _new_note(client_for(therapist), patient)
    body, text = response.content.decode(), _text(response)
    assert 'id="screening-red-flags"' in body
    assert "Red flags come before the pattern ranking" in text
    assert "Not acknowledged yet." in text
    assert f'href="/screenings/{screening.pk}/"' in body
    assert body.count("data-red-flag=") >= 2
    hints = body.find('id="screening-hints"')
    assert hints == -1 or body.find('id="screening-red-flags"') < hints
    history = response.context["form"]["history"].value()
    for answer in (
        "Do you have a fever or feel generally unwell?",
        "Have you lost weight without trying?",
        "Is it impossible to stand on that leg",
    ):
        assert answer in history
    assert "Pain at the screening (" in history


def test_new_note_shows_an_acknowledged_femoral_neck_flag_and_its_hold(client_for, therapist):
    from assessments.services import screening_acknowledge, screening_create

    patient = PatientFactory()
    screening = screening_create(
        patient=patient, answers=FEMORAL_NECK_ANSWERS, created_by=therapist, source="therapist"
    )
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="MRI booked")
    text = _text(_new_note(client_for(therapist), patient))
    assert "Red flags come before the pattern ranking" in text
    assert "Acknowledged " in text and "Not acknowledged yet." not in text
    assert "Safety holds" in text and "hip and pelvis loading" in text


def test_new_note_never_prefills_todays_exam_and_carries_signed_notes_only(client_for, therapist):
    patient = PatientFactory()
    _signed(
        patient=patient,
        therapist=therapist,
        kind="initial",
        evaluated_on=dt.date(2026, 10, 23),
        exam={
            "rom": {
                "knee_to_wall_cm": {"left": 9.0, "right": 11.0},
                "hip_extension_deg": {"left": 10.0},
            },
            "special_tests": {"thompson_positive": "negative"},
        },
        running_profile={"runs_per_week": 4},
    )
    # A colleague's later draft: not a record yet, carries nothing.
    EvaluationFactory(
        patient=patient,
        kind="follow_up",
        exam={"rom": {"knee_to_wall_cm": {"left": 2.0}}},
        running_profile={"runs_per_week": 9},
    )
    response = _new_note(client_for(therapist), patient)
    form, text = response.context["form"], _text(response)
    assert form["rom_knee_to_wall_cm_left"].value() in (None, "")
    assert form["test_thompson_positive"].value() in (None, "")
    assert "last: 9 / 11 cm, Oct 23, 2026" in text
    assert "last: 10° / —, Oct 23, 2026" in text
    assert "last: 2" not in text
    assert form["profile_runs_per_week"].value() == 4
    assert form["kind"].value() == "follow_up"


def test_new_note_history_only_from_a_screening_newer_than_the_last_signed_note(
    client_for, therapist
):
    patient = PatientFactory()
    ScreeningFactory(patient=patient)
    _signed(patient=patient, therapist=therapist, evaluated_on=timezone.localdate())
    form = _new_note(client_for(therapist), patient).context["form"]
    assert form["history"].value() in ("", None)


def test_pattern_hints_keep_only_supporting_reasons_by_points(client_for, therapist):
    from assessments.views.evaluations import _pattern_hints

    view = {
        "conditions": [
            {
                "name": "Shin splints",
                "score_pct": 60,
                "consistent": True,
                "reasons": [
                    {"label": "Night pain", "points": -2},
                    {"label": "Small", "points": 1},
                    {"label": "Big", "points": 3},
                ],
            }
        ]
    }
    assert _pattern_hints(view)[0]["reasons"] == "big; small"


def test_working_diagnosis_is_the_latest_signed_a_newer_draft_labelled(client_for, therapist):
    patient = PatientFactory()
    today = timezone.localdate()
    _signed(
        patient=patient,
        therapist=therapist,
        working_diagnosis="pfps",
        evaluated_on=today - dt.timedelta(days=10),
    )
    EvaluationFactory(  # a colleague's newer draft
        patient=patient, working_diagnosis="itbs", evaluated_on=today - dt.timedelta(days=1)
    )
    body = _chart(client_for(therapist), patient).content.decode()
    start = body.find('id="summary-diagnosis"')
    shown = html.unescape(re.sub(r"\s+", " ", body[start : body.find("</dd>", start)]))
    signed_at = shown.find("Patellofemoral pain")
    assert 0 < signed_at < shown.find("(draft, note of")
    assert "(signed note of" in shown


def test_latest_outcome_prefers_a_complete_result(client_for, therapist):
    patient = PatientFactory()
    now = timezone.now()
    OutcomeResultFactory(
        patient=patient,
        instrument="lefs",
        score=50,
        max_score=80,
        answers={},
        taken_at=now - dt.timedelta(days=5),
        complete=True,
    )
    OutcomeResultFactory(
        patient=patient,
        instrument="lefs",
        score=None,
        max_score=80,
        answers={},
        taken_at=now,
        complete=False,
    )
    body = _chart(client_for(therapist), patient).content.decode()
    start = body.find('id="summary-outcome"')
    shown = html.unescape(re.sub(r"\s+", " ", body[start : body.find("</dd>", start)]))
    assert "(LEFS): 50 / 80" in shown and "—" not in shown


def test_start_note_only_for_todays_or_past_visits(client_for, therapist, east, visit_type):
    patient = PatientFactory()
    future = _visit(patient, therapist, east, visit_type, timezone.now() + dt.timedelta(days=3))
    body = _chart(client_for(therapist), patient).content.decode()
    assert f"?appointment={future.pk}" not in body
    # Opened anyway (an old link): the note is of today, which the form accepts.
    response = _new_note(client_for(therapist), patient, appointment=future.pk)
    assert response.context["form"]["evaluated_on"].value() == timezone.localdate()


def test_an_older_active_program_is_still_the_summarys(client_for, therapist):
    from programs.models import Program

    patient = PatientFactory()
    program_with_items(therapist=therapist, patient=patient, count=1)  # active "Knee program"
    for k in range(16):
        Program.objects.create(patient=patient, therapist=therapist, title=f"Draft {k}")
    body = _chart(client_for(therapist), patient).content.decode()
    start = body.find('id="summary-program"')
    assert "Knee program" in body[start : body.find("</dd>", start)]


def test_new_note_says_when_the_top_patterns_are_close(client_for, therapist):
    from assessments.screening import screen
    from tests.assessments.factories import KNEE_ANSWERS

    patient = PatientFactory()
    ScreeningFactory(patient=patient, result={**screen(dict(KNEE_ANSWERS)), "pattern": "mixed"})
    text = _text(_new_note(client_for(therapist), patient))
    assert "Mixed: the top patterns are close." in text
    assert "Red flags come before" not in text  # a clean screening: no red-flag block


def test_a_note_of_an_earlier_visit_is_not_written_from_a_later_screening(
    client_for, therapist, east, visit_type
):
    """The note of a visit two weeks ago starts from the screening before it, not from one the
    runner filled in since."""
    patient = PatientFactory()
    now = timezone.now()
    visit = _visit(patient, therapist, east, visit_type, now - dt.timedelta(days=14))
    before = ScreeningFactory(patient=patient, answers=dict(NIGHT_FEVER_ANSWERS))
    before.created_at = now - dt.timedelta(days=20)
    before.save(update_fields=["created_at"])
    ScreeningFactory(patient=patient, answers=dict(NIGHT_FEVER_ANSWERS))  # today
    response = _new_note(client_for(therapist), patient, appointment=visit.pk)
    assert response.context["form"]["screening"].value() == before.pk
    day = timezone.localdate(before.created_at)
    assert (
        f"screening of {date_format(day, 'M j, Y')}" in response.context["form"]["history"].value()
    )


def test_a_new_patient_visit_starts_an_initial_evaluation(client_for, therapist, east):
    """A new-patient visit after an earlier course of care is an initial evaluation (a new
    injury); a follow-up visit then is a follow-up."""
    patient = PatientFactory()
    _signed(patient=patient, therapist=therapist, kind="initial")
    new_patient = AppointmentTypeFactory(name="New injury", visit_kind="new_patient")
    follow_up = AppointmentTypeFactory(name="Follow-up visit", visit_kind="follow_up")
    first = _visit(patient, therapist, east, new_patient, timezone.now() - dt.timedelta(hours=3))
    later = _visit(patient, therapist, east, follow_up, timezone.now() - dt.timedelta(hours=1))
    client = client_for(therapist)
    assert _new_note(client, patient, appointment=first.pk).context["form"]["kind"].value() == (
        "initial"
    )
    assert _new_note(client, patient, appointment=later.pk).context["form"]["kind"].value() == (
        "follow_up"
    )


def test_an_empty_plan_says_nothing_rather_than_dashes(client_for, therapist):
    patient = PatientFactory()
    note = EvaluationFactory(patient=patient, therapist=therapist, goals="")
    text = _text(
        client_for(therapist).get(reverse("assessments:evaluation_detail", args=[note.pk]))
    )
    assert "— a week for —" not in text
    assert "No goals written yet." in text
    note.visits_per_week, note.plan_weeks = 2, 6
    note.save(update_fields=["visits_per_week", "plan_weeks"])
    text = _text(
        client_for(therapist).get(reverse("assessments:evaluation_detail", args=[note.pk]))
    )
    assert "2 visits a week for 6 weeks." in text
