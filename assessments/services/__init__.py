"""Every write of the assessments app goes through these keyword-only service functions."""

from assessments.services.attachments import (
    attachment_create,
    attachment_delete,
    attachment_process,
    attachment_retry,
    attachment_share,
    attachment_unshare,
    attachments_lock,
    attachments_storage,
)
from assessments.services.clearance import clearance_record, exclusion_record
from assessments.services.clips import clip_measurement_record
from assessments.services.common import LOCKED_MESSAGE
from assessments.services.evaluations import (
    addendum_add,
    evaluation_create,
    evaluation_sign,
    evaluation_update,
)
from assessments.services.gait import gait_create, gait_update
from assessments.services.outcomes import (
    outcome_fill_due,
    outcome_record,
    prom_schedule_create,
    prom_schedule_discharge,
)
from assessments.services.screening import (
    screening_acknowledge,
    screening_create,
    screening_evaluate,
    screening_record_diagnosis,
    screening_review,
)

__all__ = [
    "LOCKED_MESSAGE",
    "addendum_add",
    "attachment_create",
    "attachment_delete",
    "attachment_process",
    "attachment_retry",
    "attachment_share",
    "attachment_unshare",
    "attachments_lock",
    "attachments_storage",
    "clearance_record",
    "clip_measurement_record",
    "exclusion_record",
    "evaluation_create",
    "evaluation_sign",
    "evaluation_update",
    "gait_create",
    "gait_update",
    "outcome_fill_due",
    "outcome_record",
    "prom_schedule_create",
    "prom_schedule_discharge",
    "screening_acknowledge",
    "screening_create",
    "screening_evaluate",
    "screening_record_diagnosis",
    "screening_review",
]
