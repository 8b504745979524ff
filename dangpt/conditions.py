"""The six running injuries, with the codes used everywhere (models, API, CLI): one definition."""

from django.db import models


class Condition(models.TextChoices):
    PFPS = "pfps", "Patellofemoral pain (runner's knee)"
    MTSS = "mtss", "Medial tibial stress syndrome (shin splints)"
    ACHILLES = "achilles_tendinopathy", "Achilles tendinopathy"
    PLANTAR = "plantar_fasciitis", "Plantar heel pain / plantar fasciitis"
    ITBS = "itbs", "Iliotibial band syndrome"
    BSI = "bone_stress_injury", "Bone stress injury"


CONDITION_CODES: tuple[str, ...] = tuple(Condition.values)

# A working diagnosis is one of the six or something else the therapist describes.
Diagnosis = models.TextChoices(
    "Diagnosis",
    [(c.name, (c.value, c.label)) for c in Condition] + [("OTHER", ("other", "Other"))],
)
