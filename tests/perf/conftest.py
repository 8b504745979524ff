import pytest

from tests.patients.conftest import build_clinic


@pytest.fixture
def clinic(make_user):
    """Location, therapist with weekday hours, two appointment types and a future Monday."""
    return build_clinic(make_user)
