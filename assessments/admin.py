"""Admin of the assessments app."""

from django.contrib import admin

from assessments.models import Screening


@admin.register(Screening)
class ScreeningAdmin(admin.ModelAdmin):
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


from assessments import admin_clinical  # noqa: E402,F401
