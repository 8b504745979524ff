"""The token commands work."""

import pytest
from django.core.management import CommandError, call_command


def test_create_api_token_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_token", "ghost")
