"""``{{ exercise|localized:"instructions" }}``: an exercise's text in the reader's language."""

from django import template

register = template.Library()


@register.filter
def localized(exercise, field: str):
    """The exercise's ``name``, ``instructions`` or ``cues`` in the active language."""
    if exercise is None:
        return ""
    return exercise.localized(field)
