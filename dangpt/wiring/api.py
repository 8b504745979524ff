"""Mount each app's API router on the one NinjaAPI; the URL conf imports this module."""

from importlib import import_module

from dangpt.api import api

# Each module's `router` declares its own paths (e.g. /patients, /me/program), mounted in this
# order at /api/v1/.
APP_ROUTERS = [
    "patients.api",
    "assessments.api",
    "programs.api",
    "dangpt.wiring.fhir.api",
    "dangpt.wiring.reports",
]


def mount_app_routers(modules: list[str]) -> None:
    """Add the `router` of each module to the API, once."""
    for name in modules:
        api.add_router("/", import_module(name).router)


mount_app_routers(APP_ROUTERS)
