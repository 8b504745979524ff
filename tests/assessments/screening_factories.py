"""factory_boy factories and sample answers for screening tests."""

import factory

from assessments.models import Screening, ScreeningSource, ScreeningStatus
from assessments.screening import screen
from tests.factories import PatientFactory

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
