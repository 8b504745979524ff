"""Admin of the programs app: managers edit the exercise library here."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from dangpt.audit.admin import AuditedAdmin
from programs import services
from programs.models import (
    Exercise,
    Program,
    ProgramItem,
    ProgramTemplate,
    ProgramVersion,
    TemplateItem,
)


@admin.register(Exercise)
class ExerciseAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "tissue", "is_active"]
    list_filter = ["category", "tissue", "is_active"]
    search_fields = ["name", "slug", "target"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["progression", "regression"]


class TemplateItemInline(admin.TabularInline):
    model = TemplateItem
    extra = 0
    autocomplete_fields = ["exercise"]


@admin.register(ProgramTemplate)
class ProgramTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "condition", "tissue"]
    list_filter = ["kind", "condition"]
    search_fields = ["name", "slug"]
    inlines = [TemplateItemInline]


class ProgramItemInline(admin.TabularInline):
    model = ProgramItem
    extra = 0
    autocomplete_fields = ["exercise"]


@admin.action(description="Publish the working copy as a new version")
def publish_programs(modeladmin, request, queryset):
    """Publish through the service, so the safety gate applies in the admin too."""
    for program in queryset:
        try:
            version = services.program_publish(program=program, by=request.user)
        except ValidationError as error:
            text = " ".join(m for ms in error.message_dict.values() for m in ms)
            modeladmin.message_user(request, f"Program #{program.pk}: {text}", messages.ERROR)
        else:
            modeladmin.message_user(request, f"Program #{program.pk}: version {version.number}.")


@admin.register(Program)
class ProgramAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["id", "title", "status", "therapist", "created_at"]
    list_filter = ["status", "tissue"]
    # Ids only in the list: names are health data and stay out of URLs and logs.
    # The pain rule and the walk-run stage change what the runner is told: only the program
    # page's settings (through the safety gate) change them.
    readonly_fields = ["status", "current_version", "patient", "tissue", "walk_run_stage"]
    raw_id_fields = ["therapist", "template"]
    inlines = [ProgramItemInline]
    actions = [publish_programs]


@admin.register(ProgramVersion)
class ProgramVersionAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_patient = "program.patient_id"
    list_select_related = ["program", "published_by"]
    list_display = ["program", "number", "published_by", "published_at"]
    readonly_fields = [f.name for f in ProgramVersion._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
