"""The access-matrix scenario, and clients signed in as each of its people."""

import pytest
from django.db import transaction
from django.test import Client

from dangpt.services import api_token_create
from tests.security.matrix import build_scenario


@pytest.fixture
def scenario(db):
    return build_scenario()


@pytest.fixture
def signed_in():
    """A fresh test client signed in as the user (``force_login``; MFA marks it verified)."""

    def make(user, **options):
        client = Client(**options)
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def bearer():
    """API request headers with a new token of the user."""

    def make(user):
        _, raw = api_token_create(user=user, name="security tests", second_factor=True)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return make


def rolled_back(call):
    """Run one request inside a savepoint that is rolled back: every request sees the scenario."""
    with transaction.atomic():
        response = call()
        transaction.set_rollback(True)
    return response
