"""How the manager's audit page names things: people by name, records by kind, changes as
old → new values in the field's own words, browsers as "Chrome on macOS"."""

import datetime as dt
import re

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from dangpt.dates import shown
from dangpt.roles import Role

LONG_VALUE = 80  # characters of a changed value shown on the page; the CSV keeps it whole
CHANGE_LABELS = {
    "insert": "Created",
    "update": "Changed",
    "delete": "Deleted",
    "group.add": "Role given",
    "group.remove": "Role taken away",
}
# Browser and system names, most specific first (Edge and Chrome both say "Chrome").
BROWSERS = (
    ("Edge", r"Edg(?:e|A|iOS)?/(\d+)"),
    ("Firefox", r"(?:Firefox|FxiOS)/(\d+)"),
    ("Chrome", r"(?:Chrome|CriOS)/(\d+)"),
    ("Safari", r"Version/(\d+)[\d.]* (?:Mobile/\S+ )?Safari/"),
)
SYSTEMS = (
    ("iPhone", r"iPhone"),
    ("iPad", r"iPad"),
    ("Android", r"Android"),
    ("Windows", r"Windows"),
    ("macOS", r"Mac OS X|Macintosh"),
    ("ChromeOS", r"CrOS"),
    ("Linux", r"Linux"),
)


def person(user) -> str:
    """A staff member or runner by name, the username only when no name was entered."""
    if user is None:
        return ""
    return user.get_full_name() or user.username


def role_label(value: str) -> str:
    """The role stored on a read, in words."""
    return Role(value).label if value in Role.values else ""


def browser(user_agent: str) -> str:
    """A user agent in words ("Chrome 131 on macOS"); "API client" for what is not a browser."""
    if not user_agent:
        return ""
    name = next(
        (f"{label} {m.group(1)}" for label, rx in BROWSERS if (m := re.search(rx, user_agent))),
        None,
    )
    system = next((label for label, rx in SYSTEMS if re.search(rx, user_agent)), None)
    if name is None:
        return f"Other client on {system}" if system else "Other client"
    return f"{name} on {system}" if system else name


def source(path: str) -> str:
    """Where a change was made, from its URL path: the app's pages, the API, the admin."""
    if not path:
        return "System (task or command)"
    if path.startswith("/api/"):
        return "API"
    if path.startswith("/admin/"):
        return "Admin"
    return "Web app"


def _field(model_label: str, name: str):
    try:
        model = apps.get_model(model_label)
    except (LookupError, ValueError):
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            return model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
    return None


def field_label(model_label: str, name: str) -> str:
    """A changed column in the words its form uses ("Date of birth", not date_of_birth)."""
    field = _field(model_label, name)
    label = str(field.verbose_name) if field is not None else name.replace("_", " ")
    return label[:1].upper() + label[1:]


def value_text(model_label: str, name: str, value, users: dict) -> str:
    """One old or new value in words: choice labels, Yes/No, local dates and times, names."""
    if value is None or value == "" or value == []:
        return "(empty)"
    field = _field(model_label, name)
    if field is not None and field.is_relation:
        if field.related_model is get_user_model():
            return person(users.get(value)) or "(removed account)"
        return "another record"  # ids are not shown; the CSV has the raw change
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return f"{len(value)} entries" if len(value) != 1 else "1 entry"
    base = getattr(field, "base_field", None)  # an ArrayField's items carry the choices
    choices = dict(getattr(base or field, "flatchoices", None) or ())
    if isinstance(value, list):
        return ", ".join(str(choices.get(v, v)) for v in value)
    if value in choices:
        return str(choices[value])
    if isinstance(value, dt.datetime):
        return us_moment(value)
    if isinstance(value, dt.date):
        return shown(value)
    if isinstance(value, str):
        moment = parse_datetime(value) if "T" in value or " " in value[:11] else None
        if moment is not None and timezone.is_aware(moment):
            return us_moment(moment)
        day = parse_date(value) if len(value) == 10 else None
        if day is not None:
            return shown(day)
    return str(value)


def us_moment(moment: dt.datetime) -> str:
    """An instant in the clinic's zone, US style: "Dec 4, 2026, 3:12 PM"."""
    return shown(moment, "datetime")


def shorten(text: str) -> str:
    """A long value cut for the page with a visible ellipsis (the whole value is in the CSV)."""
    return text if len(text) <= LONG_VALUE else text[: LONG_VALUE - 1] + "…"


def changes(model_label: str, diff: dict | None, users: dict, quiet: set) -> list[dict]:
    """The changed fields of one event as {label, old, new, old_full, new_full}."""
    found = []
    for name in sorted(set(diff or {}) - quiet):
        old, new = (diff[name] + [None, None])[:2] if isinstance(diff[name], list) else (None, None)
        old_text = value_text(model_label, name, old, users)
        new_text = value_text(model_label, name, new, users)
        found.append(
            {
                "label": field_label(model_label, name),
                "old": shorten(old_text),
                "new": shorten(new_text),
                "old_full": old_text,
                "new_full": new_text,
            }
        )
    return found


def user_ids_in(model_label: str, diff: dict | None) -> set:
    """Account ids an event's changed fields point at (a therapist moved, a canceller)."""
    found = set()
    for name, pair in (diff or {}).items():
        field = _field(model_label, name)
        if field is not None and field.is_relation and field.related_model is get_user_model():
            found.update(v for v in (pair if isinstance(pair, list) else []) if v)
    return found
