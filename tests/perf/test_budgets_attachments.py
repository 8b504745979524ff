"""Query budgets of attachments: the files list and the pages that show a note's files grow from
1 file to 50 at the same cost; every file response (ranges included) costs a fixed few queries,
the access-log insert among them."""

import pytest
from django.urls import reverse

from assessments.models import Attachment
from tests.assessments.attachment_files import stored_attachment
from tests.assessments.factories import EvaluationFactory, GaitAnalysisFactory
from tests.factories import PatientFactory, UserFactory
from tests.perf.budget import (
    CHART_BUDGET,
    DETAIL_BUDGET,
    LIST_BUDGET,
    assert_flat,
    matches,
    queries_of,
)

pytestmark = pytest.mark.django_db

BUDGETED_PAGES: set[str] = {
    "assessments:attachment_list",
    "assessments:attachment_upload",
    "assessments:attachment_detail",
    "assessments:attachment_delete",
    "assessments:attachment_original",
    "assessments:attachment_playable",
    "assessments:attachment_poster",
    "assessments:my_clip_playable",
    "assessments:my_clip_poster",
}
BUDGETED_API: set[str] = set()

FILE_LINK = r'href="/clinical/attachments/\d+/"'


def grower(patient, **fields):
    """Each call adds n files of the patient, by several uploaders, in every kind."""
    uploaders = [UserFactory() for _ in range(3)]
    kinds = ["video", "image", "pdf"]

    def grow(n: int) -> None:
        for k in range(n):
            stored_attachment(patient, uploaders[k % 3], kind=kinds[k % 3], **fields)

    return grow


def test_attachment_list_is_flat_in_files(client_for, therapist):
    """A full page of 25 files costs the same at 1 and 50 files."""
    patient = PatientFactory()
    note = EvaluationFactory(patient=patient, therapist=therapist)
    url = reverse("assessments:attachment_list", args=[patient.pk])
    assert_flat(
        client_for(therapist),
        url,
        grower(patient, evaluation=note),
        budget=LIST_BUDGET,
        check=matches(FILE_LINK, 25),
    )


def test_note_and_gait_pages_are_flat_in_files(client_for, therapist):
    """The files of a note or a gait analysis are listed at one query whatever their number."""
    patient = PatientFactory()
    note = EvaluationFactory(patient=patient, therapist=therapist)
    gait = GaitAnalysisFactory(patient=patient, therapist=therapist)
    client = client_for(therapist)
    for url, fields in (
        (reverse("assessments:evaluation_detail", args=[note.pk]), {"evaluation": note}),
        (reverse("assessments:gait_detail", args=[gait.pk]), {"gait_analysis": gait}),
    ):
        start = Attachment.objects.count()
        check = matches(FILE_LINK, 50)
        grow = grower(patient, **fields)
        assert_flat(client, url, grow, budget=DETAIL_BUDGET, check=check)
        assert Attachment.objects.count() - start == 50


def test_chart_shows_the_latest_files_at_a_fixed_cost(client_for, therapist):
    patient = PatientFactory()
    url = reverse("assessments:patient_chart", args=[patient.pk])
    check = matches(FILE_LINK, 5)
    assert_flat(client_for(therapist), url, grower(patient), budget=CHART_BUDGET, check=check)


def test_attachment_pages_and_files_cost_a_fixed_few_queries(client_for, therapist):
    patient = PatientFactory()
    video = stored_attachment(patient, therapist, shared=True)
    client = client_for(therapist)
    for name, args in (
        ("attachment_upload", [patient.pk]),
        ("attachment_detail", [video.pk]),
        ("attachment_delete", [video.pk]),
        ("attachment_original", [video.pk]),
        ("attachment_playable", [video.pk]),
        ("attachment_poster", [video.pk]),
    ):
        count = len(queries_of(client, reverse(f"assessments:{name}", args=args)))
        assert count <= DETAIL_BUDGET, f"{name}: {count} queries"
    ranged = queries_of(
        client,
        reverse("assessments:attachment_playable", args=[video.pk]),
        status=206,
        HTTP_RANGE="bytes=0-99",
    )
    assert len(ranged) <= DETAIL_BUDGET


def test_runner_clip_files_cost_a_fixed_few_queries(client_for, runner, therapist):
    clip = stored_attachment(runner.patient, therapist, shared=True)
    client = client_for(runner)
    for name in ("my_clip_playable", "my_clip_poster"):
        count = len(queries_of(client, reverse(f"assessments:{name}", args=[clip.pk])))
        assert count <= DETAIL_BUDGET, f"{name}: {count} queries"
