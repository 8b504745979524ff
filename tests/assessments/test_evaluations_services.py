"""Signing locks a note in the service and the database (triggers); history keeps each version."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from assessments.models import Evaluation, EvaluationAddendum, EvaluationStatus
from assessments.selectors import evaluation_history
from assessments.services import (
    addendum_add,
    evaluation_sign,
    evaluation_update,
)
from dangpt.roles import Role
from tests.assessments.factories import EvaluationFactory

pytestmark = pytest.mark.django_db


def test_signing_records_who_and_when(signed, therapist):
    """A signed note has its signer and time, and is marked signed."""
    signed.refresh_from_db()
    assert signed.status == EvaluationStatus.SIGNED
    assert signed.signed_by == therapist
    assert signed.signed_at is not None


def test_signing_needs_a_working_diagnosis(therapist):
    """A note without an assessment cannot be signed."""
    evaluation = EvaluationFactory(therapist=therapist, working_diagnosis="")
    with pytest.raises(ValidationError) as caught:
        evaluation_sign(evaluation=evaluation, user=therapist)
    assert "working_diagnosis" in caught.value.message_dict
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT


def test_only_a_therapist_signs(draft, manager):
    """A manager may read notes but not sign them."""
    with pytest.raises(ValidationError):
        evaluation_sign(evaluation=draft, user=manager)


def test_draft_can_be_edited(draft, therapist):
    """A draft takes changes through the service."""
    evaluation_update(evaluation=draft, user=therapist, fields={"history": "Changed"})
    draft.refresh_from_db()
    assert draft.history == "Changed"


def test_service_refuses_to_edit_a_signed_note(signed, therapist):
    """The service refuses changes to a signed note."""
    with pytest.raises(ValidationError, match="locked"):
        evaluation_update(evaluation=signed, user=therapist, fields={"history": "Rewritten"})
    signed.refresh_from_db()
    assert signed.history == "Knee pain"


def test_orm_update_of_a_signed_note_is_refused_by_the_database(signed):
    """Even a plain ORM save raises: the trigger protects the signed row."""
    signed.history = "Rewritten behind the app's back"
    with pytest.raises(DatabaseError), transaction.atomic():
        signed.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        Evaluation.objects.filter(pk=signed.pk).update(history="Bulk rewrite")
    assert Evaluation.objects.get(pk=signed.pk).history == "Knee pain"


def test_raw_sql_update_and_delete_of_a_signed_note_are_refused(signed):
    """Raw SQL cannot unsign, change or delete a signed note either."""
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_evaluation SET status = 'draft' WHERE id = %s", [signed.pk]
        )
    with pytest.raises(DatabaseError), transaction.atomic():
        Evaluation.objects.filter(pk=signed.pk).delete()
    assert Evaluation.objects.filter(pk=signed.pk, status="signed").exists()


def test_drafts_can_still_be_changed_through_the_orm(draft):
    """The trigger only protects signed rows."""
    Evaluation.objects.filter(pk=draft.pk).update(history="ok")
    assert Evaluation.objects.get(pk=draft.pk).history == "ok"


def test_addendum_is_kept_with_the_unchanged_original(signed, therapist):
    """An addendum is stored, dated, and the original note is untouched."""
    addendum = addendum_add(evaluation=signed, author=therapist, text="Imaging normal.")
    signed.refresh_from_db()
    assert signed.history == "Knee pain"
    assert list(signed.addenda.values_list("text", flat=True)) == ["Imaging normal."]
    assert addendum.created_at is not None and addendum.author == therapist


def test_addenda_are_append_only_in_the_database(signed, therapist):
    """An addendum cannot be changed or deleted, even through the ORM."""
    addendum = addendum_add(evaluation=signed, author=therapist, text="First")
    with pytest.raises(DatabaseError), transaction.atomic():
        EvaluationAddendum.objects.filter(pk=addendum.pk).update(text="Changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        addendum.delete()


def test_addendum_refused_on_a_draft_and_when_empty(draft, signed, therapist):
    """Drafts are edited directly; an empty addendum is refused."""
    other = EvaluationFactory(therapist=therapist)
    with pytest.raises(ValidationError):
        addendum_add(evaluation=other, author=therapist, text="x")
    with pytest.raises(ValidationError):
        addendum_add(evaluation=signed, author=therapist, text="   ")


def test_history_keeps_every_version_with_the_author(draft, therapist):
    """Each change is kept: created, edited, signed, with who made it."""
    evaluation_update(evaluation=draft, user=therapist, fields={"history": "Second"})
    evaluation_sign(evaluation=draft, user=therapist)
    rows = evaluation_history(evaluation=draft)
    assert [r["label"] for r in rows] == ["Created", "Changed", "Changed"]
    assert [r["values"]["history"] for r in rows] == ["Knee pain", "Second", "Second"]
    assert rows[1]["diff"]["history"] == ["Knee pain", "Second"]
    assert "status" in rows[2]["diff"]
    assert {r["user_id"] for r in rows} == {therapist.pk}


def test_only_the_author_edits_or_signs_a_draft(draft, make_user):
    """The services refuse a therapist who did not write the note."""
    colleague = make_user(Role.THERAPIST)
    with pytest.raises(ValidationError, match="author"):
        evaluation_update(evaluation=draft, user=colleague, fields={"history": "Rewritten"})
    with pytest.raises(ValidationError, match="author"):
        evaluation_sign(evaluation=draft, user=colleague)
    draft.refresh_from_db()
    assert (draft.history, draft.status) == ("Knee pain", "draft")


def test_history_page_shows_changes_in_words(client_for, draft, therapist):
    """The history page names each changed field and its old and new value, not column keys."""
    evaluation_update(evaluation=draft, user=therapist, fields={"history": "Second"})
    evaluation_sign(evaluation=draft, user=therapist)
    page = client_for(therapist).get(reverse("assessments:evaluation_history", args=[draft.pk]))
    text = page.content.decode()
    assert "Knee pain" in text and "Second" in text and "changed to" in text
    assert "Status:" in text and "Draft" in text and "Signed" in text
    assert "signed_by_id" not in text and "patient_id" not in text
