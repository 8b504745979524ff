"""Reminders in the admin: read-only, for looking into the outbox."""

from django.contrib import admin

from dangpt.audit.admin import AuditedAdmin
from patients.reminders.models import Reminder, ReminderAttempt, ReminderPreference


class ReminderAttemptInline(admin.TabularInline):
    model = ReminderAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "outcome", "error"]


@admin.register(Reminder)
class ReminderAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["id", "kind", "channel", "status", "due_at", "attempts", "sent_at"]
    list_filter = ["status", "kind", "channel"]
    readonly_fields = [f.name for f in Reminder._meta.fields]
    raw_id_fields = ["patient", "appointment"]
    inlines = [ReminderAttemptInline]

    def has_add_permission(self, request):
        return False


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["patient", "confirmation", "reminder_24h", "cancellation", "program_nudge"]
    raw_id_fields = ["patient"]
