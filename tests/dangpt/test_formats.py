"""Every page shows dates and times the one US way: month first, 12-hour clock, per language."""

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from dangpt.dates import NAMED_FORMATS, shown

AFTERNOON = dt.datetime(2026, 12, 5, 16, 30, tzinfo=dt.UTC)  # 8:30 AM in Los Angeles


@pytest.mark.parametrize(
    ("name", "english"),
    [
        ("date", "Dec 5, 2026"),
        ("time", "8:30 AM"),
        ("datetime", "Dec 5, 2026, 8:30 AM"),
        ("month_day", "Dec 5"),
        ("short", "12/05/2026"),
        ("weekday", "Sat, Dec 5"),
        ("weekday_year", "Sat, Dec 5, 2026"),
        ("long", "Saturday, December 5, 2026"),
        ("weekday_time", "Sat, Dec 5, 8:30 AM"),
    ],
)
def test_each_named_format_in_english(name, english):
    with timezone.override("America/Los_Angeles"), translation.override("en"):
        assert shown(AFTERNOON, name) == english


def test_every_name_has_a_spanish_format_with_a_twelve_hour_clock():
    with timezone.override("America/Los_Angeles"), translation.override("es"):
        assert shown(AFTERNOON, "long") == "sábado 5 de diciembre de 2026"
        assert shown(AFTERNOON, "time") == "8:30 AM"
        for name in NAMED_FORMATS:
            assert shown(AFTERNOON, name)


def test_django_defaults_are_the_us_formats_too():
    template = Template(
        "{% load dates %}{{ v|date }} · {{ v|time }} · {{ v|shown:'weekday_time' }}"
    )
    with timezone.override("America/Los_Angeles"), translation.override("en"):
        text = template.render(Context({"v": AFTERNOON}))
    assert text == "Dec 5, 2026 · 8:30 AM · Sat, Dec 5, 8:30 AM"


def test_nothing_shows_as_nothing():
    assert shown(None) == ""
    assert Template("{% load dates %}[{{ v|shown }}]").render(Context({"v": None})) == "[]"


def test_an_empty_choice_reads_choose_not_dashes():
    """Every select's empty choice says what to do, in the reader's language."""
    from django import forms

    class Pick(forms.Form):
        sex = forms.ChoiceField(choices=[("", "---------"), ("f", "Female")], required=False)

    with translation.override("en"):
        html = str(Pick()["sex"])
    assert "Choose…" in html and "---------" not in html
    with translation.override("es"):
        assert "Elija…" in str(Pick()["sex"])
