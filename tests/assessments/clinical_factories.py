"""factory_boy factories for clinical-record tests: evaluations, gait analyses, outcomes."""

import datetime as dt

import factory
from django.utils import timezone

from assessments.models_clinical import (
    Evaluation,
    GaitAnalysis,
    OutcomeResult,
    OutcomeSource,
    PromSchedule,
)
from tests.factories import PatientFactory, UserFactory


def lefs_answers(value: int) -> dict:
    """LEFS answers with every item at the same value (0-4), so the score is 20 x value."""
    from assessments.proms import describe

    return {item["id"]: value for item in describe("lefs")["items"]}


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    patient = factory.SubFactory(PatientFactory)
    therapist = factory.SubFactory(UserFactory)
    evaluated_on = factory.LazyFunction(timezone.localdate)
    history = "Gradual anterior knee pain over six weeks."
    working_diagnosis = "pfps"


class GaitAnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GaitAnalysis

    patient = factory.SubFactory(PatientFactory)
    therapist = factory.SubFactory(UserFactory)
    recorded_on = factory.LazyFunction(timezone.localdate)
    surface = "treadmill"
    speed_kmh = 10
    cadence_spm = 164


class PromScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PromSchedule

    patient = factory.SubFactory(PatientFactory)
    condition = "pfps"
    starts_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SubFactory(UserFactory)


class OutcomeResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OutcomeResult

    patient = factory.SubFactory(PatientFactory)
    instrument = "nprs"
    answers = factory.LazyFunction(lambda: {"pain": 5})
    score = 5
    max_score = 10
    complete = True
    taken_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    source = OutcomeSource.CLINIC
    collected_by = factory.SubFactory(UserFactory)
