"""The demo clinic of `manage.py seed_demo`: each app seeds its own part, in order."""

import importlib
from collections.abc import Iterator

from django.db import transaction

DEFAULT_PASSWORD = "dangpt-demo-2026"  # noqa: S105 - demo accounts only

# Each app seeds its own part in `<app>.demo.seed(password=...)`, in this order; each returns
# lines to print. patients comes first: it creates the location, staff and runners.
SEEDERS = ["patients.demo", "assessments.demo", "assessments.demo_clinical", "programs.demo"]


@transaction.atomic
def seed_demo(*, password: str = DEFAULT_PASSWORD) -> list[str]:
    """Create or refresh the demo clinic in one transaction; returns the lines to print."""
    return [line for module in _seeders() for line in module.seed(password=password)]


def _seeders() -> Iterator:
    """The seeder modules that exist (an app may have merged or dropped one)."""
    for name in SEEDERS:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
