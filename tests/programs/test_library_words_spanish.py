"""The library's own words in the runner's Spanish: dose load and tempo, template names and item
notes, questionnaire names and the default visit type names; staff pages stay English."""

import json
from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.interface import due_questionnaires
from assessments.proms.registry import INSTRUMENTS
from patients.models import Language, Patient
from programs import services
from programs.dose import dose_text
from programs.library_words import LIBRARY_DIR
from programs.models import ProgramTemplate
from programs.services.prescribing import program_create_from_template, program_publish
from tests.assessments.factories import PromScheduleFactory
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

SPANISH_HOME = [
    "Rodilla del corredor: fortalecimiento de cadera y rodilla",
    "Rodillas dobladas solo 30–45°.",
    "peso corporal",
    "Escala de dolor anterior de rodilla (AKPS, Kujala)",
]
ENGLISH_HOME = [
    "Runner's knee: hip and knee strengthening",
    "Knees bent 30–45° only.",
    "body weight",
    "Anterior Knee Pain Scale",
]


def _library(name: str) -> dict:
    return json.loads((LIBRARY_DIR / name).read_text(encoding="utf-8"))


def _walk(node, key):
    if isinstance(node, dict):
        for k, value in node.items():
            if k == key and isinstance(value, str):
                yield node
            yield from _walk(value, key)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value, key)


def test_every_library_load_tempo_name_and_note_has_spanish():
    """Each load and tempo word of the library, each template name and each item note has its
    Spanish at the source, so no library word reaches a Spanish reader in English."""
    words = _library("exercises_es.json")["dosage_words"]
    sources = [_library("exercises.json"), _library("templates.json")]
    dosage = {d[k] for s in sources for k in ("load", "tempo") for d in _walk(s, k) if d[k]}
    assert dosage and not dosage - set(words), sorted(dosage - set(words))
    assert all(words[w].strip() for w in dosage)
    for template in _library("templates.json")["templates"]:
        assert template.get("name_es", "").strip(), template["slug"]
        for item in _walk(template, "note"):
            assert item.get("note_es", "").strip(), (template["slug"], item["note"])


def test_dose_words_follow_the_active_language():
    """The library's load and tempo read in Spanish for a Spanish reader; a therapist's own
    words are shown as typed; English stays English."""
    item = {"sets": 3, "reps": 10, "load": "body weight or light band", "tempo": "3 s down"}
    with translation.override("es"):
        text = dose_text(item)
        assert "peso corporal o banda elástica suave" in text
        assert "3 s al bajar" in text
        assert "body weight" not in text and "down" not in text
        assert "kettle bell 8" in dose_text(item | {"load": "kettle bell 8"})
        weighted = dose_text(item | {"load": "dumbbell or backpack", "load_kg": 5})
        assert "mancuerna o mochila" in weighted
    assert "body weight or light band" in dose_text(item, language="en")
    assert "3 s down" in dose_text(item, language="en")


def test_questionnaire_names_for_runners_keep_the_acronym():
    """Each licensed questionnaire has a Spanish name for runners with its acronym; English for
    everyone else; a validated translation's own name still wins."""
    for code in ("akps", "lefs", "visa_a", "faam_adl", "faam_sports"):
        instrument = INSTRUMENTS[code]
        acronym = instrument.name[instrument.name.rindex("(") :]
        assert instrument.name_in("es").endswith(acronym), code
        assert instrument.name_in("es") != instrument.name
        assert instrument.name_in("en") == instrument.name
    assert INSTRUMENTS["nprs_now"].name_in("es") == INSTRUMENTS["nprs_now"].translation("es").name


@pytest.fixture
def world(client, make_user, therapist, runner):
    """A runner on the runner's-knee template, published, with a questionnaire due."""
    services.library_load()
    template = ProgramTemplate.objects.get(slug="pfps_hip_knee")
    program = program_create_from_template(
        patient=runner.patient, therapist=therapist, template=template
    )
    program_publish(program=program, by=therapist)
    PromScheduleFactory(patient=runner.patient, condition="pfps")
    return program


def _page(client, user, url) -> str:
    client.force_login(user)
    return unescape(client.get(url).content.decode())


def test_spanish_runner_home_reads_the_library_in_spanish(client, world, runner):
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    html = _page(client, runner, reverse("programs:home"))
    for text in SPANISH_HOME:
        assert text in html, text
    for text in ENGLISH_HOME:
        assert text not in html, text
    printed = _page(client, runner, reverse("programs:my_print"))
    for text in SPANISH_HOME[:3]:
        assert text in printed, text
    for text in ENGLISH_HOME[:3]:
        assert text not in printed, text
    # The exercise's own name and cues (in the check-off labels and on the printout) too.
    for page in (html, printed):
        assert "Wall sit" not in page
        assert "Back flat on the wall" not in page
    with translation.override("es"):
        names = [m.name for m in due_questionnaires(patient=runner.patient.pk)]
    assert "Escala de dolor anterior de rodilla (AKPS, Kujala)" in names


def test_english_runner_home_and_staff_pages_stay_english(client, world, runner, therapist):
    html = _page(client, runner, reverse("programs:home"))
    for text in ENGLISH_HOME:
        assert text in html, text
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    staff = _page(client, therapist, reverse("programs:detail", args=[world.pk]))
    assert "Runner's knee: hip and knee strengthening" in staff
    assert "Knees bent 30–45° only." in staff
    assert "body weight" in staff
    for text in SPANISH_HOME[:3]:
        assert text not in staff, text
    printed = _page(client, therapist, reverse("programs:print", args=[world.pk]))
    assert "Runner's knee: hip and knee strengthening" in printed
    assert "Knees bent 30–45° only." in printed


def test_default_visit_type_names_read_in_spanish_on_the_runners_visits(client, make_user, runner):
    """A default visit type ("Initial evaluation") reads in Spanish on the runner's list; a name
    the clinic typed is shown as typed; the staff page keeps the English."""
    clinic = build_clinic(make_user)
    clinic.follow_up.name = "Run clinic check"
    clinic.follow_up.save()
    for day, kind in ((clinic.monday, clinic.evaluation), (clinic.monday, clinic.follow_up)):
        AppointmentFactory(
            patient=runner.patient,
            therapist=clinic.therapist,
            location=clinic.location,
            appointment_type=kind,
            start=at(day, 9 if kind == clinic.evaluation else 14),
        )
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    html = _page(client, runner, "/me/appointments/")
    assert "Evaluación inicial" in html
    assert "Initial evaluation" not in html
    assert "Run clinic check" in html
    with translation.override("en"):
        assert clinic.evaluation.shown_name == "Initial evaluation"
