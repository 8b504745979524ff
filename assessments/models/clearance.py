"""Return-to-run clearance after a suspected or diagnosed bone stress injury (BSI).

A clinician records who cleared the runner, when, the injured site and each criterion met. The
criteria are George 2024's return-to-run criteria after a tibial BSI (Sports Med 54(9):2247–2265):
pain-free walking, no focal bony tenderness, pain-free single-leg hopping, radiological healing
or physician clearance at a high-risk site (Kaeding 2005, Clin J Sport Med; Warden 2014, J Orthop
Sports Phys Ther; REDs CAT2, Stellingwerff 2023, for the femoral neck, pelvis and sacrum), and the
contributing factors identified (load errors, low energy availability). Rows are never changed or
deleted: a new injury needs a new clearance.

A clinician can also record that a suspected condition was excluded (``ConditionExclusion``: by a
negative examination or imaging, or another diagnosis), which ends the evidence of a flagged
screening before it: a false positive needs no fictitious clearance.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q

from dangpt.audit.history import track


class BoneStressSite(models.TextChoices):
    # High-risk sites: non-union, displacement or complete fracture are more likely.
    FEMORAL_NECK = "femoral_neck", "Femoral neck (hip)"
    PELVIS_SACRUM = "pelvis_sacrum", "Pelvis or sacrum"
    ANTERIOR_TIBIA = "anterior_tibia", "Front of the shin bone (anterior tibial cortex)"
    NAVICULAR = "navicular", "Navicular (top of the midfoot)"
    FIFTH_METATARSAL = "fifth_metatarsal", "Base of the 5th metatarsal (outer midfoot)"
    SECOND_METATARSAL_BASE = "second_metatarsal_base", "Base of the 2nd metatarsal"
    MEDIAL_MALLEOLUS = "medial_malleolus", "Medial malleolus (inner ankle bone)"
    TALUS = "talus", "Talus"
    SESAMOID = "sesamoid", "Sesamoid (under the big toe)"
    PATELLA = "patella", "Kneecap (patella)"
    # Low-risk sites.
    POSTEROMEDIAL_TIBIA = "posteromedial_tibia", "Inner edge of the shin bone (posteromedial tibia)"
    FIBULA = "fibula", "Fibula"
    METATARSAL_SHAFT = "metatarsal_shaft", "Shaft of the 2nd to 4th metatarsal"
    CALCANEUS = "calcaneus", "Heel bone (calcaneus)"
    FEMORAL_SHAFT = "femoral_shaft", "Thigh bone shaft (femoral shaft)"
    OTHER = "other", "Other or not yet known (treated as high risk)"


# Kaeding 2005; Warden 2014; REDs CAT2 (Stellingwerff 2023). An unknown site counts as high risk.
HIGH_RISK_SITES = frozenset(
    {
        BoneStressSite.FEMORAL_NECK,
        BoneStressSite.PELVIS_SACRUM,
        BoneStressSite.ANTERIOR_TIBIA,
        BoneStressSite.NAVICULAR,
        BoneStressSite.FIFTH_METATARSAL,
        BoneStressSite.SECOND_METATARSAL_BASE,
        BoneStressSite.MEDIAL_MALLEOLUS,
        BoneStressSite.TALUS,
        BoneStressSite.SESAMOID,
        BoneStressSite.PATELLA,
        BoneStressSite.OTHER,
    }
)
# Sites where hip-centred loading (bridges, hip abduction) loads the injured bone.
HIP_AND_PELVIS_SITES = frozenset({BoneStressSite.FEMORAL_NECK, BoneStressSite.PELVIS_SACRUM})

CRITERIA = (
    "pain_free_walking",
    "no_focal_tenderness",
    "pain_free_hops",
    "contributing_factors_identified",
)


class ClearanceQuerySet(models.QuerySet):
    def for_patient(self, patient_id: int):
        """The patient's clearances, newest first, with who gave them."""
        return (
            self.filter(patient_id=patient_id)
            .select_related("cleared_by")
            .order_by("-cleared_at", "-id")
        )


@track(pghistory.InsertEvent())
class ReturnToRunClearance(models.Model):
    """A clinician's recorded clearance to start running after a bone stress injury."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="return_to_run_clearances"
    )
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cleared_at = models.DateTimeField()
    site = models.CharField(max_length=32, choices=BoneStressSite.choices)
    pain_free_walking = models.BooleanField(
        help_text="Brisk walking for 30–45 minutes on several days with no pain."
    )
    no_focal_tenderness = models.BooleanField(
        help_text="No tenderness when the injured bone is pressed (clinician palpation)."
    )
    pain_free_hops = models.BooleanField(
        help_text="Pain-free single-leg hops on the injured side, tested in clinic."
    )
    imaging_or_physician_clearance = models.BooleanField(
        default=False,
        help_text="Imaging shows healing, or a physician has cleared running (high-risk sites).",
    )
    contributing_factors_identified = models.BooleanField(
        null=True,
        help_text="The factors behind the injury are identified and addressed (load errors, "
        "low energy availability). Empty on clearances recorded before this was asked.",
    )
    note = models.CharField(max_length=500, blank=True)

    objects = ClearanceQuerySet.as_manager()

    class Meta:
        ordering = ["-cleared_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pain_free_walking=True, no_focal_tenderness=True, pain_free_hops=True),
                name="clearance_all_criteria_met",
            ),
            models.CheckConstraint(
                condition=~Q(site__in=sorted(HIGH_RISK_SITES))
                | Q(imaging_or_physician_clearance=True),
                name="clearance_high_risk_site_needs_imaging",
            ),
            models.CheckConstraint(
                condition=Q(site__in=BoneStressSite.values), name="clearance_site_valid"
            ),
            models.CheckConstraint(
                condition=~Q(contributing_factors_identified=False),
                name="clearance_contributing_factors_identified",
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="clearance_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Return-to-run clearance #{self.pk}"

    @property
    def is_high_risk_site(self) -> bool:
        return self.site in HIGH_RISK_SITES


class ExcludedCondition(models.TextChoices):
    BSI = "bone_stress_injury", "Bone stress injury"
    ACHILLES_RUPTURE = "achilles_rupture", "Achilles tendon rupture"
    DVT = "dvt", "Deep vein thrombosis"


class ExclusionMethod(models.TextChoices):
    EXAM = "exam", "Negative clinical examination"
    IMAGING = "imaging", "Negative imaging"
    OTHER_DIAGNOSIS = "other_diagnosis", "Another diagnosis explains the symptoms"


class ExclusionQuerySet(models.QuerySet):
    def for_patient(self, patient_id: int):
        """The patient's exclusions, newest first, with who recorded them."""
        return (
            self.filter(patient_id=patient_id)
            .select_related("excluded_by")
            .order_by("-excluded_at", "-id")
        )


@track(pghistory.InsertEvent())
class ConditionExclusion(models.Model):
    """A clinician's record that a suspected condition was excluded, and how."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="condition_exclusions"
    )
    condition = models.CharField(max_length=32, choices=ExcludedCondition.choices)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    excluded_at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=ExclusionMethod.choices)
    detail = models.CharField(
        max_length=500, help_text="Who examined or imaged, and what was found or diagnosed."
    )

    objects = ExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["-excluded_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-excluded_at"], name="exclusion_patient_recent")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(condition__in=ExcludedCondition.values),
                name="exclusion_condition_valid",
            ),
            models.CheckConstraint(
                condition=Q(method__in=ExclusionMethod.values), name="exclusion_method_valid"
            ),
            models.CheckConstraint(condition=~Q(detail=""), name="exclusion_detail_given"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="exclusion_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Condition exclusion #{self.pk}"
