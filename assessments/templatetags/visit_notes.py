"""Notes of visits on pages the patients app renders (My day), without patients importing us.

``{% visit_notes appointments user %}`` marks each appointment with ``draft_note_id``: the
user's draft note of that visit, or None. One query for the whole list.
"""

from django import template

from assessments.models import Evaluation, EvaluationStatus

register = template.Library()


@register.simple_tag
def visit_notes(appointments, user) -> str:
    """Mark each appointment with the user's draft note of it (one query); renders nothing."""
    rows = list(appointments)
    drafts = (
        dict(
            Evaluation.objects.filter(
                appointment__in=[a.pk for a in rows], therapist=user, status=EvaluationStatus.DRAFT
            )
            .order_by("appointment_id", "-id")
            .values_list("appointment_id", "pk")
            .distinct("appointment_id")
        )
        if rows
        else {}
    )
    for appointment in rows:
        appointment.draft_note_id = drafts.get(appointment.pk)
    return ""
