"""The demo clinic of `manage.py seed_demo`: each app seeds its own part, in order."""

import importlib

from django.db import transaction

DEFAULT_PASSWORD = "dangpt-demo-2026"  # noqa: S105 - demo accounts only

# Each app seeds its own part in `<app>.demo.seed(password=...)`, in this order; each returns
# lines to print. patients comes first: it creates the location, staff and runners.
SEEDERS = ["patients.demo", "assessments.demo", "programs.demo"]


@transaction.atomic
def seed_demo(*, password: str = DEFAULT_PASSWORD) -> list[str]:
    """Create or refresh the demo clinic in one transaction; returns the lines to print."""
    seeders = [importlib.import_module(name) for name in SEEDERS]
    return [line for module in seeders for line in module.seed(password=password)]
