"""Shared fixtures: users of each role, and signed-in clients."""

import pytest

from dangpt.roles import Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests create many users. Production keeps Argon2 (tested)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    """Create a user with the given role (or none)."""

    from django.contrib.auth.models import Group

    from tests.factories import UserFactory

    def make(role: Role | None = None, **fields):
        user = UserFactory(**fields)
        if role is not None:
            user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        return user

    return make


@pytest.fixture
def front_desk(make_user):
    return make_user(Role.FRONT_DESK)


@pytest.fixture
def therapist(make_user):
    return make_user(Role.THERAPIST)


@pytest.fixture
def manager(make_user):
    return make_user(Role.MANAGER)


@pytest.fixture
def runner(make_user):
    from tests.factories import PatientFactory

    user = make_user(Role.RUNNER)
    PatientFactory(user=user, first_name=user.first_name, last_name=user.last_name)
    return user


@pytest.fixture
def client_for(client):
    """Return a test client signed in as the given user."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in
