"""Admin of the assessments app: read-mostly; records change through the app's services."""

from django.contrib import admin

from assessments.models import (
    Evaluation,
    EvaluationAddendum,
    GaitAnalysis,
    OutcomeResult,
    PromSchedule,
    Screening,
)
from dangpt.audit.admin import AuditedAdmin


@admin.register(Screening)
class ScreeningAdmin(AuditedAdmin, admin.ModelAdmin):
    """Read-only: screenings change only through the screening pages and their services."""

    list_display = (
        "id",
        "patient",
        "source",
        "status",
        "disposition",
        "suspected_bsi",
        "acknowledged_at",
        "final_diagnosis",
        "created_at",
    )
    list_filter = ("status", "source", "disposition", "suspected_bsi", "final_diagnosis")
    list_select_related = ("patient",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AddendumInline(admin.TabularInline):
    model = EvaluationAddendum
    extra = 0
    can_delete = False
    readonly_fields = ["author", "text", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


class WrittenInTheApp:
    """Clinical records are added and changed through the app's services, which check the author;
    the admin only shows them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Evaluation)
class EvaluationAdmin(AuditedAdmin, WrittenInTheApp, admin.ModelAdmin):
    list_display = ["id", "patient_id", "kind", "status", "evaluated_on", "therapist"]
    list_filter = ["status", "kind", "working_diagnosis"]
    list_select_related = ["therapist"]
    raw_id_fields = ["patient", "appointment", "screening", "therapist", "signed_by"]
    inlines = [AddendumInline]

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GaitAnalysis)
class GaitAnalysisAdmin(AuditedAdmin, WrittenInTheApp, admin.ModelAdmin):
    list_display = ["id", "patient_id", "recorded_on", "surface", "cadence_spm"]
    raw_id_fields = ["patient", "evaluation", "therapist"]


@admin.register(OutcomeResult)
class OutcomeResultAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["id", "patient_id", "instrument", "score", "complete", "taken_at", "source"]
    list_filter = ["instrument", "source"]
    raw_id_fields = ["patient", "collected_by", "schedule"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PromSchedule)
class PromScheduleAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["id", "patient_id", "condition", "starts_on", "discharge_on"]
    raw_id_fields = ["patient", "created_by"]
