"""What the assessments app publishes to the apps built on it, besides the safety gate."""

from assessments.models import Evaluation


def linkable_evaluations(patients):
    """The evaluations of these patients a program may carry out, newest first, with the patient."""
    return (
        Evaluation.objects.filter(patient__in=patients)
        .select_related("patient")
        .order_by("-evaluated_on", "-id")
    )


def due_questionnaires(*, patient) -> list:
    """The questionnaires (outcome measures) a runner should fill now, for their home page.

    Each has ``schedule``, ``timepoint``, ``instrument``, ``name`` and ``due_on`` (two queries).
    """
    from assessments.selectors import due_measures  # published through this module only

    return due_measures(patient=patient)
