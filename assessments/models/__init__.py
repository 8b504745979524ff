"""Models of the assessments app, one module per sub-domain; every model is importable from here."""

from .attachments import (
    IDENTITY_FIELDS as ATTACHMENT_IDENTITY_FIELDS,
)
from .attachments import (
    Attachment,
    AttachmentKind,
    ProcessingStatus,
)
from .clearance import (
    HIGH_RISK_SITES,
    HIP_AND_PELVIS_SITES,
    BoneStressSite,
    ConditionExclusion,
    ExcludedCondition,
    ExclusionMethod,
    ReturnToRunClearance,
)
from .clips import ClipMeasurement, MeasureKind, StanceSide
from .evaluations import (
    EVALUATION_FIELDS,
    ChartQuerySet,
    Evaluation,
    EvaluationAddendum,
    EvaluationKind,
    EvaluationStatus,
)
from .gait import (
    GAIT_FIELDS,
    GAIT_NUMBERS,
    ArmSwing,
    FootStrike,
    GaitAnalysis,
    GaitSurface,
    StepWidth,
)
from .outcomes import OutcomeResult, OutcomeSource, PromSchedule
from .screening import Disposition, Screening, ScreeningSource, ScreeningStatus

__all__ = [
    "ClipMeasurement",
    "MeasureKind",
    "StanceSide",
    "ATTACHMENT_IDENTITY_FIELDS",
    "Attachment",
    "AttachmentKind",
    "ProcessingStatus",
    "HIGH_RISK_SITES",
    "HIP_AND_PELVIS_SITES",
    "BoneStressSite",
    "ReturnToRunClearance",
    "ConditionExclusion",
    "ExcludedCondition",
    "ExclusionMethod",
    "EVALUATION_FIELDS",
    "GAIT_FIELDS",
    "GAIT_NUMBERS",
    "ArmSwing",
    "ChartQuerySet",
    "Disposition",
    "Evaluation",
    "EvaluationAddendum",
    "EvaluationKind",
    "EvaluationStatus",
    "FootStrike",
    "GaitAnalysis",
    "GaitSurface",
    "OutcomeResult",
    "OutcomeSource",
    "PromSchedule",
    "Screening",
    "ScreeningSource",
    "ScreeningStatus",
    "StepWidth",
]
