"""JSON API of the assessments app: one router, one module per sub-domain.

``router`` is what the project mounts at /api/v1/; each module declares its own paths.
"""

from ninja import Router

from assessments.api import evaluations, outcomes, screening

router = Router()
for sub_router in (screening.router, evaluations.router, outcomes.router):
    router.add_router("", sub_router)
