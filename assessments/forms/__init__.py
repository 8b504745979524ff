"""Forms of the assessments app, one module per sub-domain: they validate, services write."""

from assessments.forms.attachments import AttachmentShareForm, AttachmentUploadForm
from assessments.forms.clearance import ClearanceForm, ExclusionForm
from assessments.forms.evaluations import AddendumForm, EvaluationForm
from assessments.forms.gait import GaitAnalysisForm, GaitCompareForm
from assessments.forms.outcomes import DischargeForm, PromAnswersForm, ScheduleForm
from assessments.forms.screening import (
    AcknowledgeForm,
    DiagnosisForm,
    PatientChoiceForm,
    ScreeningAnswersForm,
)

__all__ = [
    "AcknowledgeForm",
    "AddendumForm",
    "AttachmentShareForm",
    "AttachmentUploadForm",
    "ClearanceForm",
    "ExclusionForm",
    "DiagnosisForm",
    "DischargeForm",
    "EvaluationForm",
    "GaitAnalysisForm",
    "GaitCompareForm",
    "PatientChoiceForm",
    "PromAnswersForm",
    "ScheduleForm",
    "ScreeningAnswersForm",
]
