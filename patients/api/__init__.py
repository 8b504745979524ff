"""JSON API of the patients app, mounted at /api/v1/ by the project wiring (dangpt.wiring.api)."""

from ninja import Router

from patients.api import people, public, scheduling

router = Router(tags=["patients"])
router.add_router("", people.router)
router.add_router("", scheduling.router)
router.add_router("", public.router)
