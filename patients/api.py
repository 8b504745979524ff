"""JSON API endpoints of the patients app, mounted at /api/v1/ by dangpt.api."""

from ninja import Router

router = Router(tags=["patients"])
