"""Demo screenings for seed_demo: a reviewed one for runner1, a runner's draft for runner2."""

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.models import Screening, ScreeningSource, WorkingDiagnosis
from assessments.services import screening_create, screening_record_diagnosis
from patients.models import Patient

# Both are soft-tissue presentations without red flags, so the demo programs are not blocked.
RUNNER1_KNEE = {
    "regions": ["anterior_knee"],
    "side": "right",
    "onset": "gradual",
    "duration_weeks": 5,
    "pain_now": 2,
    "pain_worst_24h": 4,
    "pain_running": 5,
    "timing": ["during_whole_run", "after_running"],
    "aggravators": ["squatting", "stairs_down", "prolonged_sitting"],
    "swelling": "none",
    "recent_load_increase": True,
    "exam": {"patellar_palpation_pain": True, "squat_pain": True, "hop_pain": False},
}
RUNNER2_ACHILLES = {
    "regions": ["achilles"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": 8,
    "pain_now": 1,
    "pain_worst_24h": 3,
    "pain_running": 4,
    "timing": ["morning_stiffness", "start_of_run_eases", "next_morning"],
    "aggravators": ["uphill", "speed_work", "heel_raise"],
    "swelling": "none",
    "recent_load_increase": True,
    "tendon_thickening": False,
}


def _patient(username: str) -> Patient:
    """The demo runner's patient record."""
    return Patient.objects.select_related("user").get(user__username=username)


@transaction.atomic
def seed(*, password: str) -> list[str]:
    """Create the demo screenings once; running again changes nothing."""
    del password  # accounts come from patients.demo
    therapist = get_user_model().objects.get(username="therapist1")
    runner1, runner2 = _patient("runner1"), _patient("runner2")
    lines = []
    if not Screening.objects.filter(patient=runner1, source=ScreeningSource.THERAPIST).exists():
        screening = screening_create(
            patient=runner1,
            answers=RUNNER1_KNEE,
            created_by=therapist,
            source=ScreeningSource.THERAPIST,
        )
        screening_record_diagnosis(
            screening=screening, diagnosed_by=therapist, diagnosis=WorkingDiagnosis.PFPS
        )
    if not Screening.objects.filter(patient=runner2, source=ScreeningSource.RUNNER).exists():
        screening_create(
            patient=runner2,
            answers=RUNNER2_ACHILLES,
            created_by=runner2.user,
            source=ScreeningSource.RUNNER,
        )
    lines.append("Screenings: runner1 reviewed (therapist1), runner2's questionnaire to review.")
    return lines
