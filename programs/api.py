"""JSON API endpoints of the programs app, mounted at /api/v1/ by dangpt.api."""

from ninja import Router

router = Router(tags=["programs"])
