"""Letters to the referring provider from signed notes, as PDF."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.services import evaluation_create
from dangpt.models import AccessKind, AccessLog
from tests.factories import PatientFactory
from tests.records.conftest import elsewhere

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    """The text of every page of a PDF response (asserting it is one)."""
    assert response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(
    ("kind", "title"),
    [
        ("initial", "Initial evaluation summary"),
        ("follow_up", "Progress note"),
        ("discharge", "Discharge summary"),
    ],
)
def test_each_signed_note_has_its_letter(client_for, therapist, runner, full_record, kind, title):
    """Each kind of signed note renders its letter: patient, referrer, diagnosis, outcome change,
    plan or home program, the signature; the download is written to the access log."""
    note = full_record[kind]
    response = client_for(therapist).get(reverse("records:letter", args=[note.pk]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    text = " ".join(pdf_text(response).split())
    patient = runner.patient
    slugs = {"initial": "evaluation-summary", "follow_up": "progress-note"}
    slug = slugs.get(kind, "discharge-summary")
    disposition = response["Content-Disposition"]
    assert disposition.isascii() and f"letter-{note.pk}" not in disposition
    assert disposition.endswith(f'-{slug}-{note.evaluated_on.isoformat()}.pdf"')
    assert title in text
    assert f"{patient.first_name} {patient.last_name}" in text
    assert "Dr. Ana Ruiz ALPHA, MD" in text and "Fax (323) 555-0143" in text
    assert "Dear Dr. Ana Ruiz ALPHA," in text  # credentials stay in the address block
    assert "Patellofemoral pain (runner's knee) (ICD-10 M22.2)" in text
    assert "(213) 555-0100" in text  # the letterhead
    signer = therapist.get_full_name()
    assert f"Sincerely, {signer}" in text and "Electronically signed" in text
    # The outcome change in describe_change's words: LEFS 40 → 60 over 19 days.
    assert "Lower Extremity Functional Scale" in text or "LEFS" in text
    if kind == "initial":
        assert "Baseline only" in text  # at the first visit only the baseline was scored
    else:
        assert "20 points" in text
    frequency = "Physical therapy 2 visits a week for 6 weeks"
    assert (frequency in text) == (kind != "discharge")  # a discharge ends the visits
    assert "Run 10 miles without knee pain" in text
    assert "Knee program" in text  # the home program prescribed from the initial note
    assert "pfps" not in text and "follow_up" not in text  # no internal codes
    # The stylesheet reached WeasyPrint: its page footer is on the page.
    assert "For the addressee only." in text and "Page 1 of" in text
    row = AccessLog.objects.get(kind=AccessKind.LETTER)
    assert (row.patient_id, row.user_id, row.what) == (
        patient.pk,
        therapist.pk,
        f"letter to referrer {note.pk}",
    )


def test_a_draft_has_no_letter(client_for, therapist):
    """An unsigned note has no letter: 404, and nothing is logged as a letter."""
    draft = evaluation_create(
        patient=PatientFactory(),
        therapist=therapist,
        fields={"evaluated_on": "2026-03-02", "working_diagnosis": "pfps"},
    )
    response = client_for(therapist).get(reverse("records:letter", args=[draft.pk]))
    assert response.status_code == 404
    assert not AccessLog.objects.filter(kind=AccessKind.LETTER).exists()


def test_another_locations_letter_is_404(client_for, make_user, full_record):
    """A therapist elsewhere, the front desk and the runner get 404 for the letter."""
    from dangpt.roles import Role
    from patients.models import StaffProfile

    away = make_user(Role.THERAPIST)
    StaffProfile.objects.get(user=away).locations.set([elsewhere()])
    url = reverse("records:letter", args=[full_record["initial"].pk])
    for user in (away, make_user(Role.FRONT_DESK), full_record["initial"].patient.user):
        assert client_for(user).get(url).status_code == 404
    assert not AccessLog.objects.filter(kind=AccessKind.LETTER).exists()


def test_the_chart_links_letters_of_signed_notes_only(client_for, therapist, full_record):
    """The chart offers a letter for each signed note and the referrer's details."""
    patient = full_record["initial"].patient
    draft = evaluation_create(
        patient=patient, therapist=therapist, fields={"evaluated_on": "2026-03-02"}
    )
    page = client_for(therapist).get(reverse("assessments:patient_chart", args=[patient.pk]))
    html = page.content.decode()
    for note in full_record.values():
        assert reverse("records:letter", args=[note.pk]) in html
    assert reverse("records:letter", args=[draft.pk]) not in html
    assert "Dr. Ana Ruiz ALPHA" in html and "(323) 555-0142" in html


def test_letter_file_names_are_ascii():
    import datetime as dt
    from types import SimpleNamespace

    from dangpt.wiring.letters import letter_filename

    patient = SimpleNamespace(first_name="José María", last_name="Núñez O'Brien")
    name = letter_filename(patient, "discharge", dt.date(2026, 10, 23))
    assert name == "Nunez-O-Brien-Jose-Maria-discharge-summary-2026-10-23.pdf"
