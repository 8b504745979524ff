"""Outcome measures for a Spanish-speaking runner, the wording file's language sections and the
item x answer grid of the measure forms."""

import json
from html import unescape
from html.parser import HTMLParser

import pytest

from assessments.models import OutcomeResult
from assessments.proms import (
    INSTRUMENTS,
    WordingError,
    clinic_wording,
    describe,
    load_wording,
    reset_wording,
)
from assessments.proms.registry import parse_definition
from patients.models import Language, Patient
from tests.assessments.factories import PromScheduleFactory, lefs_answers
from tests.factories import PatientFactory


@pytest.fixture(autouse=True)
def _shipped_wording():
    """Every test starts and ends with the shipped labels and no clinic file applied."""
    reset_wording()
    clinic_wording._applied["path"] = clinic_wording._UNSET
    yield
    reset_wording()
    clinic_wording._applied["path"] = clinic_wording._UNSET


def spanish_section(code: str, prefix: str = "ES ") -> dict:
    """A complete language section for ``code``: every item and option label, prefixed."""
    return {
        "version": f"{code} Spanish validated version, permission ref. 7",
        "name": f"{prefix}{code} name",
        "items": {
            item["id"]: {
                "label": prefix + item["label"],
                "options": {str(o["value"]): prefix + o["label"] for o in item["options"]},
            }
            for item in describe(code)["items"]
        },
    }


def write_json(tmp_path, data) -> str:
    """Write a wording file and return its path."""
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# --- The wording file's language sections ------------------------------------------------


def test_spanish_section_overlays_labels_and_keeps_english_unchanged(tmp_path):
    """With an es section, describe(code, "es") gives its text; the English text is as shipped."""
    english = describe("visa_a")
    load_wording(write_json(tmp_path, {"visa_a": {"es": spanish_section("visa_a")}}))
    spanish = describe("visa_a", "es")
    assert describe("visa_a") == english
    assert spanish["items"][0]["label"] == "ES " + english["items"][0]["label"]
    assert [i["id"] for i in spanish["items"]] == [i["id"] for i in english["items"]]
    assert [o["points"] for o in spanish["items"][6]["options"]] == [
        o["points"] for o in english["items"][6]["options"]
    ]
    assert INSTRUMENTS["visa_a"].name_in("es-MX") == "ES visa_a name"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s["items"].update({"q9": {"label": "x"}}), "visa_a.es.items.q9: unknown item"),
        (lambda s: s["items"].pop("q3"), "visa_a.es.items.q3: missing"),
        (lambda s: s["items"]["q7"]["options"].pop("modified"), "q7.options.modified: missing"),
        (lambda s: s["items"]["q7"]["options"].update({"x": "y"}), "q7.options.x: unknown option"),
        (lambda s: s["items"]["q1"].update({"label": " "}), "visa_a.es.items.q1.label"),
        (lambda s: s.update({"title": "x"}), "visa_a.es.title: unknown key"),
    ],
)
def test_spanish_section_is_validated_strictly_and_applies_nothing(tmp_path, change, problem):
    """A partial or misspelt translation is refused naming the problem; nothing is applied."""
    section = spanish_section("visa_a")
    change(section)
    with pytest.raises(WordingError) as raised:
        load_wording(write_json(tmp_path, {"visa_a": {"es": section}}))
    assert any(problem in line for line in raised.value.problems), raised.value.problems
    assert INSTRUMENTS["visa_a"].translation("es") is None


def test_unknown_language_section_is_an_error(tmp_path):
    """Only the languages the app speaks may have a section."""
    with pytest.raises(WordingError) as raised:
        load_wording(write_json(tmp_path, {"lefs": {"fr": spanish_section("lefs")}}))
    assert "lefs.fr: unknown key" in raised.value.problems


def test_shipped_definition_with_a_partial_translation_fails_at_load():
    """A shipped definition's translation is checked the same way as the clinic file's."""
    data = json.loads(
        (INSTRUMENTS_DIR() / "nprs_now.json").read_text(encoding="utf-8"),
    )
    del data["translations"]["es"]["items"]["pain"]["options"]["10"]
    with pytest.raises(ValueError, match="es.items.pain.options.10: missing"):
        parse_definition(data)


def INSTRUMENTS_DIR():  # noqa: N802 - reads as a constant at the call site
    """The folder of the shipped definitions."""
    from importlib import resources

    return resources.files("assessments.proms") / "definitions"


def test_only_the_nprs_ships_a_spanish_translation():
    """Licensed instruments ship no Spanish; the NPRS, which is not licensed, does."""
    assert describe("nprs_worst_24h", "es")["items"][0]["label"].startswith(
        "En una escala del 0 al 10"
    )
    for code in ("lefs", "akps", "visa_a", "faam_adl", "faam_sports"):
        assert INSTRUMENTS[code].translation("es") is None
        assert describe(code, "es") == describe(code)


# --- The runner's pages ------------------------------------------------------------------


def spanish_runner(client, runner, condition="achilles_tendinopathy"):
    """Sign in a runner who chose Spanish, with a measure schedule starting today."""
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    schedule = PromScheduleFactory(patient=runner.patient, condition=condition)
    client.force_login(runner)
    return schedule


@pytest.mark.django_db
def test_spanish_runner_sees_english_lefs_with_a_spanish_note(client, runner):
    """LEFS has no validated Spanish wording here: English items, marked English, and a note."""
    schedule = spanish_runner(client, runner)
    response = client.get(f"/me/measures/{schedule.pk}/baseline/lefs/")
    html = unescape(response.content.decode())
    assert "solo está disponible en inglés" in html
    assert '<span lang="en">Squatting</span>' in html
    assert "Extreme difficulty or unable" in html
    assert "Guardar respuestas" in html and "Cuestionarios" in html


@pytest.mark.django_db
def test_spanish_runner_reads_the_nprs_in_spanish(client, runner):
    """The NPRS is translated directly: Spanish question and anchors, no English-only note."""
    schedule = spanish_runner(client, runner)
    html = unescape(
        client.get(f"/me/measures/{schedule.pk}/baseline/nprs_worst_24h/").content.decode()
    )
    assert "¿cómo calificaría el peor dolor que ha tenido en las últimas 24 horas?" in html
    assert "10 - El peor dolor imaginable" in html
    assert "solo está disponible en inglés" not in html
    listing = unescape(client.get("/me/measures/").content.decode())
    assert "Peor dolor en las últimas 24 horas (NPRS)" in listing
    assert "Inicio, para el" in listing


@pytest.mark.django_db
def test_clinic_spanish_wording_is_shown_and_recorded(client, runner, settings, tmp_path):
    """With a licensed Spanish VISA-A in the clinic file, the runner reads and fills it."""
    settings.PROM_WORDING_FILE = write_json(tmp_path, {"visa_a": {"es": spanish_section("visa_a")}})
    schedule = spanish_runner(client, runner)
    url = f"/me/measures/{schedule.pk}/baseline/visa_a/"
    html = unescape(client.get(url).content.decode())
    assert "ES Pain stretching the Achilles over a step edge" in html
    assert "solo está disponible en inglés" not in html
    data = {item["id"]: str(item["options"][-1]["value"]) for item in describe("visa_a")["items"]}
    del data["q8b"], data["q8c"]
    assert client.post(url, data).status_code == 302
    result = OutcomeResult.objects.get()
    assert result.score == 100
    assert result.wording_version == "es: visa_a Spanish validated version, permission ref. 7"


@pytest.mark.django_db
def test_therapist_records_visa_a_in_english_with_a_spanish_file(
    therapist, client_for, settings, tmp_path
):
    """Staff pages keep the English wording even when the clinic file has a Spanish version."""
    settings.PROM_WORDING_FILE = write_json(tmp_path, {"visa_a": {"es": spanish_section("visa_a")}})
    patient = PatientFactory()
    html = unescape(
        client_for(therapist)
        .get(f"/clinical/patients/{patient.pk}/outcomes/visa_a/record/")
        .content.decode()
    )
    assert "Pain stretching the Achilles over a step edge" in html
    assert "ES Pain" not in html


# --- The grid ----------------------------------------------------------------------------


class Radios(HTMLParser):
    """Collects the radios of a page, the ids on it and the text of each element with an id."""

    def __init__(self):
        super().__init__()
        self.radios, self.ids, self.stack, self.text = [], set(), [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "input" and attrs.get("type") == "radio":
            self.radios.append(attrs)
        elif tag not in ("input", "br", "meta", "link", "img"):
            self.stack.append(attrs.get("id"))

    def handle_endtag(self, tag):
        if tag not in ("input", "br", "meta", "link", "img") and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        for element_id in self.stack:
            if element_id:
                self.text[element_id] = self.text.get(element_id, "") + data


def parse(html: str) -> Radios:
    """The radios and ids of a page."""
    parser = Radios()
    parser.feed(html)
    return parser


@pytest.mark.django_db
def test_lefs_grid_shows_each_item_once_with_named_radios(therapist, client_for):
    """LEFS is one grid: each item is one row, each radio is named by its item and answer."""
    patient = PatientFactory()
    html = client_for(therapist).get(f"/clinical/patients/{patient.pk}/outcomes/lefs/record/")
    html = unescape(html.content.decode())
    assert html.count('data-testid="prom-grid"') == 1
    for item in describe("lefs")["items"]:
        assert html.count(f">{item['label']}</span>") == 1, item["label"]
    page = parse(html)
    assert len(page.radios) == 20 * 5
    squatting = [r for r in page.radios if r["name"] == "squatting"]
    names = [
        " ".join(" ".join(page.text[i].split()) for i in r["aria-labelledby"].split())
        for r in squatting
    ]
    assert names[0] == "6. Squatting Extreme difficulty or unable"
    assert names[-1] == "6. Squatting No difficulty"
    for radio in page.radios:
        assert all(i in page.ids for i in radio["aria-labelledby"].split())


@pytest.mark.django_db
def test_akps_items_with_their_own_answers_are_fieldsets(therapist, client_for):
    """Items whose answers differ stay a fieldset each; only neighbours sharing answers
    (thigh wasting, loss of knee bend: none, slight, severe) share a small grid."""
    patient = PatientFactory()
    html = client_for(therapist).get(f"/clinical/patients/{patient.pk}/outcomes/akps/record/")
    html = html.content.decode()
    assert html.count('data-testid="prom-grid"') == 1
    assert html.count('data-item="thigh_atrophy"') == 1
    assert html.count("<fieldset") == len(describe("akps")["items"]) - 2
    page = parse(html)
    assert all(f'for="{r["id"]}"' in html for r in page.radios)


@pytest.mark.django_db
def test_error_summary_links_to_each_unanswered_item(therapist, client_for):
    """Two missing LEFS items are listed at the top, each linking to its first answer."""
    patient = PatientFactory()
    data = {key: str(value) for key, value in lefs_answers(3).items()}
    del data["hopping"], data["car"]
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/outcomes/lefs/record/", data
    )
    html = unescape(response.content.decode())
    summary = html[
        html.index('data-testid="error-summary"') : html.index('data-testid="prom-form"')
    ]
    assert summary.index('href="#id_car_0"') < summary.index('href="#id_hopping_0"')
    assert "Choose an answer." in summary
    page = parse(html)
    assert {"id_car_0", "id_hopping_0"} <= page.ids
    invalid = {r["name"] for r in page.radios if r.get("aria-invalid") == "true"}
    assert invalid == {"car", "hopping"}
    assert not OutcomeResult.objects.exists()


@pytest.mark.django_db
def test_lefs_filled_through_the_grid_scores_as_before(client, runner):
    """The grid posts the same answers: a Spanish runner's LEFS scores like anyone's."""
    schedule = spanish_runner(client, runner, condition="itbs")
    data = {key: str(value) for key, value in lefs_answers(2).items()}
    assert client.post(f"/me/measures/{schedule.pk}/baseline/lefs/", data).status_code == 302
    result = OutcomeResult.objects.get()
    assert (result.score, result.wording_version) == (40, "")


@pytest.mark.django_db
def test_spanish_runner_reads_their_trend_page_in_spanish(client, runner):
    """The runner's chart page: the NPRS named in Spanish, headings and timepoints in Spanish."""
    from tests.assessments.factories import OutcomeResultFactory

    spanish_runner(client, runner)
    OutcomeResultFactory(
        patient=runner.patient, instrument="nprs_worst_24h", score=4, timepoint="baseline"
    )
    url = f"/clinical/patients/{runner.patient.pk}/outcomes/nprs_worst_24h/"
    html = unescape(client.get(url).content.decode())
    assert "Peor dolor en las últimas 24 horas (NPRS)" in html
    assert "Puntaje de 0 a 10; más bajo es mejor." in html
    assert ">Fecha</th>" in html and "Inicio" in html
