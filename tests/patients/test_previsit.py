"""Pre-visit intake at home: electronic consents, the runner's checklist, and the staff badges."""

import datetime as dt
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangpt.roles import Role
from patients import consents as consent_texts
from patients.consents import current_text, fingerprint
from patients.language import SESSION_KEY
from patients.models import Appointment, Consent, ConsentKind, Patient, RunningProfile, VisitKind
from patients.previsit import previsit_checklist, readiness_by_appointment
from patients.services.consents import consent_sign
from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import AppointmentFactory
from tests.patients.test_views import intake_post

pytestmark = pytest.mark.django_db
PAGES = ("previsit", "previsit_about", "previsit_running", "previsit_consents")


def _url(name: str) -> str:
    return reverse(f"patients:{name}")


def _complete_about(patient: Patient) -> None:
    Patient.objects.filter(pk=patient.pk).update(
        phone="+12135550100",
        address="1 Sunset Blvd, Los Angeles, CA 90026",
        emergency_contact_name="Luis Ruiz",
        emergency_contact_phone="+12135550101",
    )


def _sign_all(patient: Patient, language: str = "en") -> None:
    for kind in ConsentKind.values:
        consent_sign(
            patient=patient,
            kind=kind,
            language=language,
            shown_sha256=current_text(kind, language).sha256,
            typed_name=f"{patient.first_name} {patient.last_name}",
            address="203.0.113.9",
        )


def _ready(patient: Patient) -> None:
    """Every checklist item done, the questionnaire included."""
    _complete_about(patient)
    RunningProfile.objects.create(patient=patient, runs_per_week=4, weekly_km=Decimal("32.2"))
    _sign_all(patient)
    ScreeningFactory(patient=patient)


@pytest.fixture
def ana(make_user):
    """A runner with a portal login and nothing of the checklist done yet."""
    user = make_user(Role.RUNNER, first_name="Ana", last_name="Ruiz")
    return PatientFactory(user=user, first_name="Ana", last_name="Ruiz")


@pytest.fixture
def new_visit(clinic, ana):
    """Ana's first visit, a new-patient evaluation next Monday at 9:00."""
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    return AppointmentFactory(
        patient=ana,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=at(clinic.monday, 9),
    )


# --- Consents: what is recorded ------------------------------------------------------------
def test_signing_records_version_hash_language_name_and_address(ana):
    """An electronic consent keeps the version, the Spanish text's hash, the name and address."""
    shown = current_text("treatment", "es")
    consent = consent_sign(
        patient=ana,
        kind="treatment",
        language="es",
        shown_sha256=shown.sha256,
        typed_name="  ana   RUIZ ",
        address="203.0.113.9",
        by=ana.user,
    )
    consent.refresh_from_db()
    assert consent.text_version == consent_texts.version_of("treatment")
    assert consent.text_sha256 == fingerprint(shown.text) != current_text("treatment", "en").sha256
    assert consent.language == "es"
    assert consent.method == "electronic"
    assert consent.typed_name == "ana RUIZ"
    assert consent.client_address == "203.0.113.9"
    assert consent.recorded_by == ana.user


def test_the_same_version_is_never_recorded_twice(ana):
    """A second signature of the same text is refused by the service and by the database."""
    _sign_all(ana)
    with pytest.raises(ValidationError, match="already signed"):
        consent_sign(
            patient=ana,
            kind="treatment",
            language="en",
            shown_sha256=current_text("treatment", "en").sha256,
            typed_name="Ana Ruiz",
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            patient=ana,
            kind="treatment",
            text_version=consent_texts.version_of("treatment"),
            given_at=timezone.now(),
        )
    assert ana.consents.filter(kind="treatment").count() == 1


def test_an_electronic_consent_without_name_or_hash_is_refused_by_the_database(ana):
    """The database keeps an electronic signature whole: typed name and SHA-256."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            patient=ana,
            kind="privacy",
            text_version="x",
            given_at=timezone.now(),
            method="electronic",
        )


@pytest.mark.parametrize(
    ("typed", "sha", "field"),
    [
        ("", None, "typed_name"),
        ("Someone Else", None, "typed_name"),
        ("Ana Ruiz", "0" * 64, "kind"),  # the text changed after the page was shown
    ],
)
def test_a_bad_signature_records_nothing(ana, typed, sha, field):
    """No name, another name, or a text that is no longer current: a field error, no row."""
    with pytest.raises(ValidationError) as caught:
        consent_sign(
            patient=ana,
            kind="privacy",
            language="en",
            shown_sha256=sha or current_text("privacy", "en").sha256,
            typed_name=typed,
        )
    assert field in caught.value.message_dict
    assert not ana.consents.exists()


def test_a_routine_desk_edit_does_not_record_consents_again(client_for, front_desk):
    """Editing a patient whose consent is of an older text records nothing (the old bug)."""
    patient = PatientFactory(first_name="Casey", last_name="Runner")
    old = Consent.objects.create(
        patient=patient, kind="treatment", text_version="2025-01", given_at=timezone.now()
    )
    post = intake_post(**{"p-preferred_location": patient.preferred_location_id})
    for key in ("c-treatment", "c-privacy"):
        post.pop(key)  # unticked, as the browser sends the form
    response = client_for(front_desk).post(reverse("patients:edit", args=[patient.pk]), post)
    assert response.status_code == 302
    assert list(patient.consents.values_list("kind", "text_version")) == [("treatment", "2025-01")]
    assert Consent.objects.get(pk=old.pk).given_at == old.given_at


def test_a_desk_edit_of_a_current_consent_records_nothing_and_a_ticked_one_records_once(
    client_for, front_desk
):
    """A current consent shows ticked and locked; ticking a missing one records it once."""
    patient = PatientFactory(first_name="Casey", last_name="Runner")
    client = client_for(front_desk)
    edit = reverse("patients:edit", args=[patient.pk])
    post = intake_post(**{"p-preferred_location": patient.preferred_location_id})
    post.pop("c-privacy")
    client.post(edit, post, REMOTE_ADDR="198.51.100.7")
    client.post(edit, post)
    rows = list(patient.consents.all())
    assert [(c.kind, c.method, c.language) for c in rows] == [("treatment", "desk", "en")]
    assert rows[0].text_sha256 == current_text("treatment", "en").sha256
    assert rows[0].client_address == "198.51.100.7"
    page = client.get(edit).content.decode()
    assert "signed, current" in page


def test_a_new_text_version_asks_again_and_leaves_the_old_row(ana, monkeypatch):
    """After a wording change the checklist asks again; signing adds a row, the old one stays."""
    _sign_all(ana)
    before = Consent.objects.get(patient=ana, kind="treatment")
    version, texts = consent_texts.CONSENT_TEXTS[ConsentKind.TREATMENT]
    new_texts = {lang: text + " (revised)" for lang, text in texts.items()}
    monkeypatch.setitem(consent_texts.CONSENT_TEXTS, ConsentKind.TREATMENT, ("2027-01", new_texts))

    items = {item.key: item.done for item in previsit_checklist(ana).items}
    assert items["consents"] is False
    _sign_all_missing = consent_sign(
        patient=ana,
        kind="treatment",
        language="en",
        shown_sha256=current_text("treatment", "en").sha256,
        typed_name="Ana Ruiz",
    )
    assert _sign_all_missing.text_version == "2027-01"
    after = Consent.objects.get(pk=before.pk)
    assert (after.text_version, after.text_sha256, after.given_at) == (
        before.text_version,
        before.text_sha256,
        before.given_at,
    )
    assert ana.consents.filter(kind="treatment").count() == 2


def test_the_desk_sees_outdated_consents(client_for, front_desk, monkeypatch):
    """The record marks a consent of an older text as outdated, the edit form asks again."""
    patient = PatientFactory()
    Consent.objects.create(
        patient=patient, kind="treatment", text_version="2025-01", given_at=timezone.now()
    )
    client = client_for(front_desk)
    detail = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "outdated — text changed, ask again" in detail
    edit = client.get(reverse("patients:edit", args=[patient.pk])).content.decode()
    assert "outdated: signed the version of January 2025" in edit


# --- The runner's pages ----------------------------------------------------------------------
def test_checklist_shows_each_item_to_do_then_done(client_for, ana, new_visit):
    """Nothing done: four items to do and the first visit; all done: four done."""
    client = client_for(ana.user)
    page = client.get(_url("previsit")).content.decode()
    assert page.count('data-status="todo"') == 4
    assert "Your first visit is on" in page
    assert "9:00 AM" in page
    _ready(ana)
    page = client.get(_url("previsit")).content.decode()
    assert page.count('data-status="done"') == 4
    assert "data-all-done" in page


def test_about_you_saves_and_remembers_the_language(client_for, ana):
    """Details saved with the phone in E.164; choosing Spanish answers in Spanish from now on."""
    client = client_for(ana.user)
    data = {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "date_of_birth": "1990-05-17",
        "phone": "(213) 555-0142",
        "address": "1 Sunset Blvd, Los Angeles, CA 90026",
        "emergency_contact_name": "Luis Ruiz",
        "emergency_contact_phone": "213 555 0143",
        "preferred_language": "es",
    }
    response = client.post(_url("previsit_about"), data)
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.phone, ana.emergency_contact_phone) == ("+12135550142", "+12135550143")
    assert ana.preferred_language == "es"
    assert client.session[SESSION_KEY] == "es"
    assert "Antes de su visita" in client.get(_url("previsit")).content.decode()
    form = client.get(_url("previsit_about")).content.decode()
    assert "(213) 555-0142" in form


def test_about_you_with_a_bad_phone_saves_nothing(client_for, ana):
    """A phone that is not a number: the error at the field, the record unchanged."""
    response = client_for(ana.user).post(
        _url("previsit_about"),
        {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "date_of_birth": "1990-05-17",
            "phone": "12",
            "address": "x",
            "emergency_contact_name": "Luis",
            "emergency_contact_phone": "213 555 0143",
            "preferred_language": "en",
        },
    )
    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    ana.refresh_from_db()
    assert ana.phone == "" and ana.emergency_contact_phone == ""


def test_running_in_miles_is_stored_in_kilometres(client_for, ana):
    """A runner who thinks in miles types miles; the profile keeps kilometres."""
    client = client_for(ana.user)
    response = client.post(
        _url("previsit_running"),
        {"runs_per_week": "4", "weekly": "20", "longest": "10", "shoes": "100", "surfaces": "road"},
    )
    assert response.status_code == 302
    profile = RunningProfile.objects.get(patient=ana)
    assert profile.weekly_km == Decimal("32.2")
    assert profile.longest_run_km_30d == Decimal("16.1")
    assert profile.shoes_km == 161
    page = client.get(_url("previsit_running")).content.decode()
    assert "Miles per week" in page and 'value="20.0"' in page


def test_running_in_kilometres_for_a_runner_who_uses_them(client_for, ana):
    """A runner who set kilometres types and reads kilometres."""
    Patient.objects.filter(pk=ana.pk).update(distance_unit="km")
    client = client_for(ana.user)
    client.post(_url("previsit_running"), {"runs_per_week": "3", "weekly": "30"})
    assert RunningProfile.objects.get(patient=ana).weekly_km == Decimal("30.0")
    assert "Kilometers per week" in client.get(_url("previsit_running")).content.decode()


def test_running_without_runs_per_week_is_an_error(client_for, ana):
    """Missing answers are field errors and nothing is saved."""
    response = client_for(ana.user).post(_url("previsit_running"), {"weekly": "-3"})
    assert response.status_code == 200
    assert not RunningProfile.objects.filter(patient=ana).exists()


def test_signing_on_the_page_shows_it_back(client_for, ana):
    """The runner signs; the page says what, which version, when, as whom, and the fingerprint."""
    client = client_for(ana.user)
    page = client.get(_url("previsit_consents")).content.decode()
    text = current_text("treatment", "en")
    assert "Dang PT&#x27;s physical therapists" in page
    response = client.post(
        _url("previsit_consents"),
        {
            "kind": "treatment",
            "shown_sha256": text.sha256,
            "typed_name": "Ana Ruiz",
            "agree": "on",
        },
        REMOTE_ADDR="203.0.113.50",
    )
    assert response.status_code == 302
    consent = Consent.objects.get(patient=ana)
    assert consent.client_address == "203.0.113.50"
    page = client.get(_url("previsit_consents")).content.decode()
    local = timezone.localtime(consent.given_at, dt.timezone(dt.timedelta(0)))
    assert "You signed “Consent to treatment” version 2026-01 on" in page
    assert "as Ana Ruiz." in page
    assert text.sha256[:12] in page
    assert local.year == consent.given_at.year


def test_signing_without_agreeing_or_with_another_name_is_refused(client_for, ana):
    """No tick, or a name that is not the runner's: 400 with the message, nothing recorded."""
    client = client_for(ana.user)
    sha = current_text("privacy", "en").sha256
    no_tick = client.post(
        _url("previsit_consents"),
        {"kind": "privacy", "shown_sha256": sha, "typed_name": "Ana Ruiz"},
    )
    assert no_tick.status_code == 400
    assert "Tick the box to agree." in no_tick.content.decode()
    other = client.post(
        _url("previsit_consents"),
        {"kind": "privacy", "shown_sha256": sha, "typed_name": "Bo Smith", "agree": "on"},
    )
    assert other.status_code == 400
    assert "Type your full name as the clinic has it: Ana Ruiz." in other.content.decode()
    unknown = client.post(
        _url("previsit_consents"),
        {"kind": "nonsense", "shown_sha256": sha, "typed_name": "Ana Ruiz", "agree": "on"},
    )
    assert unknown.status_code == 400
    assert not ana.consents.exists()


def test_the_spanish_page_shows_and_records_the_spanish_text(client_for, ana):
    """A Spanish-reading runner reads the Spanish text; its hash is what is kept."""
    Patient.objects.filter(pk=ana.pk).update(preferred_language="es")
    client = client_for(ana.user)
    session = client.session
    session[SESSION_KEY] = "es"
    session.save()
    text = current_text("privacy", "es")
    assert text.text in client.get(_url("previsit_consents")).content.decode()
    client.post(
        _url("previsit_consents"),
        {"kind": "privacy", "shown_sha256": text.sha256, "typed_name": "Ana Ruiz", "agree": "on"},
    )
    consent = Consent.objects.get(patient=ana)
    assert (consent.language, consent.text_sha256) == ("es", text.sha256)


def test_each_runner_sees_and_changes_only_their_own(client_for, ana, make_user):
    """Another runner's checklist shows their own rows; nothing of Ana's is reachable."""
    _ready(ana)
    other_user = make_user(Role.RUNNER, first_name="Bo", last_name="Smith")
    other = PatientFactory(user=other_user, first_name="Bo", last_name="Smith")
    client = client_for(other_user)
    page = client.get(_url("previsit")).content.decode()
    assert page.count('data-status="todo"') == 4
    assert "Ana" not in client.get(_url("previsit_about")).content.decode()
    client.post(
        _url("previsit_consents"),
        {
            "kind": "treatment",
            "shown_sha256": current_text("treatment", "en").sha256,
            "typed_name": "Ana Ruiz",
            "agree": "on",
        },
    )
    assert not other.consents.exists()
    assert ana.consents.count() == 3


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST, Role.MANAGER, None])
def test_only_runners_reach_the_checklist(client_for, make_user, name, role):
    """Staff, role-less users and a runner login without a patient get 404."""
    client = client_for(make_user(role))
    assert client.get(_url(name)).status_code == 404
    assert client.post(_url(name), {}).status_code in (404, 405)


@pytest.mark.parametrize("name", PAGES)
def test_a_runner_without_a_patient_gets_404(client_for, make_user, name):
    """A runner login that has no patient record sees nothing."""
    assert client_for(make_user(Role.RUNNER)).get(_url(name)).status_code == 404


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_callers_go_to_sign_in(client, name):
    """Signed out: the sign-in page."""
    response = client.get(_url(name))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("name", PAGES)
def test_wrong_methods_are_refused(client_for, ana, name):
    """PUT and DELETE: 405; the checklist itself takes no POST."""
    client = client_for(ana.user)
    assert client.put(_url(name)).status_code == 405
    assert client.delete(_url(name)).status_code == 405
    if name == "previsit":
        assert client.post(_url(name)).status_code == 405


@pytest.mark.parametrize("name", PAGES[1:])
def test_posts_without_a_csrf_token_are_refused(ana, name):
    """Every form of the checklist needs the CSRF token."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(ana.user)
    assert client.post(_url(name), {"typed_name": "Ana Ruiz"}).status_code == 403
    assert not ana.consents.exists()


def test_after_setting_a_password_the_runner_lands_on_the_checklist(
    client, front_desk, mailoutbox, django_capture_on_commit_callbacks
):
    """An invited runner with intake to do lands on the checklist, not the program page."""
    from patients import services

    patient = PatientFactory(email="new.runner@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        link = services.runner_invitation_send(patient=patient, by=front_desk)
    path = urlsplit(link).path
    assert client.get(path).status_code == 200
    password = "a-very-long-new-password-42"
    response = client.post(path, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    assert response.url == _url("previsit")


# --- Staff: badges ---------------------------------------------------------------------------
def test_therapist_day_shows_ready_and_links_the_screening(client_for, clinic, ana, new_visit):
    """A ready runner with a red-flag screening: "Ready" and the referral badge, linked."""
    _complete_about(ana)
    RunningProfile.objects.create(patient=ana, runs_per_week=4, weekly_km=30)
    _sign_all(ana)
    screening = ScreeningFactory(patient=ana, answers=dict(DVT_ANSWERS))
    page = client_for(clinic.therapist).get(
        reverse("patients:my_day"), {"date": clinic.monday.isoformat()}
    )
    body = page.content.decode()
    assert 'data-intake="ready"' in body
    assert "Screening suggests referral — red flag" in body
    assert reverse("assessments:screening_detail", args=[screening.pk]) in body


def test_desk_schedule_counts_intake_without_clinical_detail(
    client_for, front_desk, clinic, ana, new_visit
):
    """The desk sees "Intake 1 of 4"; the screening's result is not theirs to see."""
    ScreeningFactory(patient=ana, answers=dict(DVT_ANSWERS))
    body = (
        client_for(front_desk)
        .get(
            reverse("patients:schedule"),
            {"location": clinic.location.pk, "date": clinic.monday.isoformat()},
        )
        .content.decode()
    )
    assert "Intake 1 of 4" in body
    assert "Screening" not in body


def test_a_screening_from_long_before_the_visit_does_not_count(ana, new_visit):
    """A screening older than the freshness window is of an earlier complaint."""
    old = ScreeningFactory(patient=ana)
    type(old).objects.filter(pk=old.pk).update(created_at=new_visit.start - dt.timedelta(days=200))
    found = readiness_by_appointment(Appointment.objects.with_related().filter(pk=new_visit.pk))
    assert found[new_visit.pk].screening is None
    assert found[new_visit.pk].done == 0


def _grow(clinic, n: int) -> list[Appointment]:
    already = Appointment.objects.count()
    for i in range(already, already + n):
        patient = PatientFactory(preferred_location=clinic.location)
        _ready(patient)
        AppointmentFactory(
            patient=patient,
            therapist=clinic.therapist,
            location=clinic.location,
            appointment_type=clinic.follow_up,
            start=at(clinic.monday, 7) + dt.timedelta(minutes=45 * i),
        )
    return list(Appointment.objects.with_related())


def test_readiness_costs_three_queries_for_1_or_50_appointments(clinic):
    """The day's badges: three queries at 1 row and at 50."""
    counts = []
    for n in (1, 49):
        rows = _grow(clinic, n)
        with CaptureQueriesContext(connection) as queries:
            found = readiness_by_appointment(rows)
        assert all(r.ready for r in found.values())
        counts.append(len(queries))
    assert counts == [3, 3]


def _banner(user) -> str:
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get("/me/")
    request.user = user
    return Template("{% load previsit %}{% previsit_banner %}").render(
        Context({"request": request})
    )


def test_the_home_banner_points_a_runner_at_what_is_left(ana, therapist):
    """A runner with steps to do sees "1 of 4 steps done"; staff and a finished runner do not."""
    RunningProfile.objects.create(patient=ana, runs_per_week=4, weekly_km=30)
    banner = _banner(ana.user)
    assert "1 of 4 steps done." in banner and reverse("patients:previsit") in banner
    assert _banner(therapist).strip() == ""
    ScreeningFactory(patient=ana)
    _complete_about(ana)
    _sign_all(ana)
    assert _banner(ana.user).strip() == ""  # all done and no first visit booked


def test_a_stale_page_asks_to_read_the_new_text(client_for, ana):
    """Signed from a page showing an older text: nothing kept, the message above the form, and
    the form now carries the current text's fingerprint."""
    client = client_for(ana.user)
    response = client.post(
        _url("previsit_consents"),
        {"kind": "privacy", "shown_sha256": "0" * 64, "typed_name": "Ana Ruiz", "agree": "on"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "The text of this consent has changed." in body
    assert f'value="{current_text("privacy", "en").sha256}"' in body
    assert not ana.consents.exists()


@pytest.mark.parametrize("status", ["booked", "completed"])
def test_no_intake_badge_on_a_visit_already_past(client_for, front_desk, clinic, ana, status):
    """Readiness is for visits still to come: a past or completed visit shows no "Intake" badge."""
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    AppointmentFactory(
        patient=ana,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=at(yesterday, 9),
        status=status,
    )
    body = (
        client_for(front_desk)
        .get(
            reverse("patients:schedule"),
            {"location": clinic.location.pk, "date": yesterday.isoformat()},
        )
        .content.decode()
    )
    assert "Ana" in body or ana.last_name in body
    assert "data-readiness" not in body and "Intake " not in body
