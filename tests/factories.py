"""factory_boy factories shared by every app's tests."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from patients.models import Location, Patient

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Clinic {n}")
    time_zone = "America/Los_Angeles"


# The location that patients and staff get when a test does not choose one: most tests are of a
# one-location clinic, where its therapists and front desk see its patients.
DEFAULT_LOCATION = "Test Silver Lake"


def default_location() -> Location:
    return LocationFactory(name=DEFAULT_LOCATION)


def move_elsewhere(obj):
    """Put a patient, or a member of staff, at a new location away from the default one."""
    from patients.models import StaffProfile

    location = LocationFactory()
    if isinstance(obj, Patient):
        obj.preferred_location = location
        obj.save(update_fields=["preferred_location"])
    else:
        profile, _ = StaffProfile.objects.get_or_create(user=obj)
        profile.locations.set([location])
    return obj


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = dt.date(1990, 5, 17)
    email = factory.Sequence(lambda n: f"patient{n}@example.test")
    preferred_location = factory.LazyFunction(default_location)
