"""factory_boy factories and sample answers for assessments tests: screenings, evaluations, gait
analyses and outcome results."""

import datetime as dt

import factory
from django.utils import timezone

from assessments.models import (
    Evaluation,
    GaitAnalysis,
    OutcomeResult,
    OutcomeSource,
    PromSchedule,
    Screening,
    ScreeningSource,
    ScreeningStatus,
)
from assessments.screening import screen
from tests.factories import PatientFactory, UserFactory

# A clear, soft-tissue runner's-knee presentation: treat, no red flags.
KNEE_ANSWERS = {
    "regions": ["anterior_knee"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": 6,
    "pain_now": 2,
    "pain_worst_24h": 4,
    "pain_running": 5,
    "timing": ["during_whole_run", "after_running"],
    "aggravators": ["squatting", "stairs_down", "prolonged_sitting"],
    "swelling": "none",
    "recent_load_increase": True,
}

# A swollen, warm calf: a same-day red flag whatever else is answered.
DVT_ANSWERS = {
    "regions": ["calf"],
    "side": "right",
    "onset": "gradual",
    "pain_now": 4,
    "pain_worst_24h": 6,
    "pain_running": 5,
    "calf_swelling_warmth": True,
}


def knee_answers(**changes) -> dict:
    """A copy of the runner's-knee answers with some answers changed."""
    return {**KNEE_ANSWERS, **changes}


class ScreeningFactory(factory.django.DjangoModelFactory):
    """A runner's draft screening of the knee answers, with the engine's real result."""

    class Meta:
        model = Screening

    patient = factory.SubFactory(PatientFactory)
    source = ScreeningSource.RUNNER
    status = ScreeningStatus.DRAFT
    answers = factory.LazyFunction(lambda: dict(KNEE_ANSWERS))
    result = factory.LazyAttribute(lambda o: screen(o.answers))
    ruleset_version = factory.LazyAttribute(lambda o: o.result["ruleset_version"])
    disposition = factory.LazyAttribute(lambda o: o.result["disposition"])
    urgency = factory.LazyAttribute(lambda o: o.result["urgency"] or "")
    suspected_bsi = factory.LazyAttribute(lambda o: o.result["suspected_bsi"])


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
