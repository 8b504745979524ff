"""Checks of typed text that services share: never cut a person's words silently."""

from django.core.exceptions import ValidationError


def too_long_message(limit: int, length: int) -> str:
    """The message forms give, in the same words: "at most N characters"."""
    return f"Ensure this value has at most {limit:,} characters (it has {length:,})."


def text_within(value: str | None, *, limit: int, field: str) -> str:
    """The text stripped; ValidationError at `field` when it is longer than `limit`."""
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: [too_long_message(limit, len(text))]})
    return text
