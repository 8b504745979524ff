"""Admin for the clinic set-up and a read-mostly view of patients and appointments."""

from django.contrib import admin

from dangpt.audit.admin import AuditedAdmin
from patients.forms import AppointmentTypeForm, LocationForm, WorkingHoursForm
from patients.models import (
    Appointment,
    AppointmentType,
    Consent,
    Location,
    Patient,
    RunningProfile,
    StaffProfile,
    TimeOff,
    WaitlistEntry,
    WorkingHours,
)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    form = LocationForm
    list_display = ["name", "time_zone", "is_active"]


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title"]
    exclude = ["calendar_token_hash"]
    filter_horizontal = ["locations"]


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin):
    form = WorkingHoursForm
    list_display = ["therapist", "location", "weekday", "start_time", "end_time"]
    list_filter = ["location", "weekday"]


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["therapist", "start", "end", "reason"]


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    form = AppointmentTypeForm
    list_display = ["name", "duration_minutes", "colour", "is_active"]


class RunningProfileInline(admin.StackedInline):
    model = RunningProfile


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ["kind", "text_version", "given_at", "recorded_by"]
    can_delete = False


@admin.register(Patient)
class PatientAdmin(AuditedAdmin, admin.ModelAdmin):
    audit_patient = "pk"
    list_display = ["last_name", "first_name", "date_of_birth", "preferred_location"]
    search_fields = ["last_name", "first_name", "email", "phone"]
    inlines = [RunningProfileInline, ConsentInline]
    raw_id_fields = ["user"]


@admin.register(Appointment)
class AppointmentAdmin(AuditedAdmin, admin.ModelAdmin):
    """Bookings change through the schedule pages (services check overlaps); here they are read."""

    list_display = ["start", "therapist", "location", "appointment_type", "status"]
    list_filter = ["status", "location", "appointment_type"]
    date_hierarchy = "start"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["patient", "appointment_type", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["patient", "appointment"]


from patients.reminders import admin as reminders_admin  # noqa: E402,F401 - registers the outbox
