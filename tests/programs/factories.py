"""factory_boy factories and helpers for programs tests."""

import factory
from django.contrib.auth.models import Group

from dangpt.roles import Role
from patients.models import StaffProfile
from programs import services
from programs.models import Exercise
from tests.factories import PatientFactory, UserFactory


class ExerciseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exercise

    slug = factory.Sequence(lambda n: f"exercise-{n}")
    name = factory.Sequence(lambda n: f"Exercise {n}")
    category = "strength"
    regions = factory.LazyFunction(lambda: ["knee"])
    conditions = factory.LazyFunction(lambda: ["pfps"])
    tissue = "soft_tissue"
    instructions = "Do it slowly."
    cues = factory.LazyFunction(lambda: ["Keep your knee over your toes"])
    target = "Quadriceps"
    default_dosage = factory.LazyFunction(
        lambda: {
            "sets": 3,
            "reps": 10,
            "hold_seconds": None,
            "load": "body weight",
            "tempo": None,
            "times_per_week": 3,
            "side": "each",
        }
    )
    illustration = "programs/exercises/box_squat.svg"


def impact_exercise(**fields) -> Exercise:
    """An exercise tagged impact, which the screening safety gate can block."""
    return ExerciseFactory(
        name=fields.pop("name", "Pogo hops"), contraindication_tags=["impact"], **fields
    )


def staff_at(user, location) -> None:
    """Give a member of staff a profile at a location."""
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    profile.locations.add(location)


def make_runner(location=None):
    """A runner login linked to a patient at the location."""
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=Role.RUNNER.value)[0])
    kwargs = {"preferred_location": location} if location else {}
    PatientFactory(user=user, first_name=user.first_name, last_name=user.last_name, **kwargs)
    return user


def program_with_items(*, therapist, patient, count: int = 3, publish: bool = True, **kwargs):
    """A program of ``count`` new exercises for the patient, published once unless told not."""
    staff_at(therapist, patient.preferred_location)
    program = services.program_create_blank(
        patient=patient, therapist=therapist, title="Knee program", tissue="soft_tissue"
    )
    for _ in range(count):
        services.program_item_add(program=program, exercise=ExerciseFactory(**kwargs))
    if publish:
        services.program_publish(program=program, by=therapist)
    return program


def today_entries(program, **scores) -> list[dict]:
    """One done entry, with these scores, per item of the program's current phase."""
    version = program.current_version
    return [
        {"item_id": i["item_id"], "done": True, **scores}
        for i in version.items
        if i["phase"] == version.phase
    ]
