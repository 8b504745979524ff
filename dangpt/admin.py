"""Admin for accounts: deactivating a user ends their sessions and API tokens at once."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from dangpt.models import ApiToken
from dangpt.services import user_deactivate

User = get_user_model()


@admin.action(description="Deactivate and sign out everywhere")
def deactivate(modeladmin, request, queryset):
    users = list(queryset)
    ended = sum(user_deactivate(user=user) for user in users)
    messages.success(request, f"Deactivated {len(users)} account(s); ended {ended} session(s).")


class ClinicUserAdmin(UserAdmin):
    actions = [deactivate]

    def save_model(self, request, obj, form, change):
        turned_off = change and "is_active" in form.changed_data and not obj.is_active
        super().save_model(request, obj, form, change)
        if turned_off:
            user_deactivate(user=obj)


admin.site.unregister(User)
admin.site.register(User, ClinicUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["hint", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "key_hash", "hint", "created_at", "last_used_at"]
    list_filter = ["revoked_at"]
