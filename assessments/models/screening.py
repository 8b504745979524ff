"""Screening: one injury screening of a patient, the engine's result and the therapist's review."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from dangpt.audit.history import track
from dangpt.conditions import Diagnosis
from dangpt.roles import CLINICIAN_ROLES, role_of


class ScreeningSource(models.TextChoices):
    RUNNER = "runner", "Runner questionnaire"
    THERAPIST = "therapist", "Therapist"


class ScreeningStatus(models.TextChoices):
    DRAFT = "draft", "Runner's answers, to review"
    REVIEWED = "reviewed", "Reviewed"


class Disposition(models.TextChoices):
    TREAT = "treat", "Treat"
    REFER = "refer", "Refer"


class ScreeningQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Therapists and managers see screenings of the patients they may see; nobody else does."""
        from patients.models import Patient

        if role_of(user) not in CLINICIAN_ROLES:
            return self.none()
        return self.filter(patient__in=Patient.objects.visible_to(user)).select_related(
            "patient", "created_by", "reviewed_by", "acknowledged_by", "diagnosed_by"
        )

    def listed_for(self, user):
        """visible_to for a newest-first list: the patient check is probed per row (EXISTS), so
        the (created_at, id) index leads and the page stops after its rows."""
        from patients.models import Patient

        if role_of(user) not in CLINICIAN_ROLES:
            return self.none()
        seen = Patient.objects.visible_to(user).filter(pk=OuterRef("patient_id"))
        return self.filter(Exists(seen)).select_related(
            "patient", "created_by", "reviewed_by", "acknowledged_by", "diagnosed_by"
        )

    def needing_acknowledgement(self):
        """Refer or suspected-BSI screenings that no therapist has acknowledged yet."""
        return self.filter(
            Q(disposition=Disposition.REFER) | Q(suspected_bsi=True), acknowledged_at__isnull=True
        )


@track()
class Screening(models.Model):
    """One injury screening of a patient: the answers, the engine's result and the therapist's
    review, acknowledgement of a referral and final working diagnosis."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="screenings"
    )
    source = models.CharField(max_length=16, choices=ScreeningSource.choices)
    status = models.CharField(
        max_length=16, choices=ScreeningStatus.choices, default=ScreeningStatus.DRAFT
    )
    answers = models.JSONField()
    result = models.JSONField()
    ruleset_version = models.CharField(max_length=40)
    disposition = models.CharField(max_length=8, choices=Disposition.choices)
    urgency = models.CharField(max_length=16, blank=True)
    suspected_bsi = models.BooleanField(default=False)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)

    final_diagnosis = models.CharField(max_length=32, choices=Diagnosis.choices, blank=True)
    final_diagnosis_note = models.CharField(max_length=250, blank=True)
    diagnosed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    diagnosed_at = models.DateTimeField(null=True, blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-created_at"], name="screening_patient_recent"),
            models.Index(fields=["status", "-created_at"], name="screening_status_recent"),
            # The therapist's list of every screening, newest first, a page at a time.
            models.Index(fields=["-created_at", "-id"], name="screening_recent"),
            # ... and of those awaiting a therapist's acknowledgement (needing_acknowledgement).
            models.Index(
                fields=["-created_at", "-id"],
                name="screening_unacknowledged",
                condition=(Q(disposition="refer") | Q(suspected_bsi=True))
                & Q(acknowledged_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True, acknowledged_by__isnull=True)
                | Q(acknowledged_at__isnull=False, acknowledged_by__isnull=False),
                name="screening_ack_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(acknowledged_at__isnull=True)
                | Q(disposition=Disposition.REFER)
                | Q(suspected_bsi=True),
                name="screening_ack_only_for_refer",
            ),
            models.CheckConstraint(
                condition=Q(status=ScreeningStatus.DRAFT)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="screening_reviewed_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=Q(final_diagnosis="")
                | Q(diagnosed_at__isnull=False, diagnosed_by__isnull=False),
                name="screening_diagnosis_has_who_and_when",
            ),
            models.CheckConstraint(
                condition=~Q(final_diagnosis=Diagnosis.OTHER) | ~Q(final_diagnosis_note=""),
                name="screening_other_diagnosis_described",
            ),
            models.CheckConstraint(
                condition=Q(disposition__in=Disposition.values),
                name="screening_disposition_valid",
            ),
            models.CheckConstraint(
                condition=Q(final_diagnosis="") | Q(final_diagnosis__in=Diagnosis.values),
                name="screening_final_diagnosis_valid",
            ),
            models.CheckConstraint(
                condition=Q(source__in=ScreeningSource.values)
                & Q(status__in=ScreeningStatus.values),
                name="screening_source_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening #{self.pk}"

    @property
    def requires_acknowledgement(self) -> bool:
        """A refer or suspected bone stress injury must be acknowledged by a therapist."""
        return self.disposition == Disposition.REFER or self.suspected_bsi

    @property
    def needs_acknowledgement(self) -> bool:
        """A referral or suspected bone stress injury still waiting for its acknowledgement."""
        return self.requires_acknowledgement and self.acknowledged_at is None

    @property
    def top_condition(self) -> str | None:
        """The engine's highest-ranked condition code."""
        conditions = (self.result or {}).get("conditions") or []
        return conditions[0]["code"] if conditions else None
