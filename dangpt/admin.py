"""Admin for accounts: deactivating a user ends their sessions and API tokens at once.

django-otp's own admin pages are replaced: they show authenticator secrets and recovery codes.
A manager resets a lost authenticator by deleting the account's device here.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangpt.mfa.models import AuthenticatorDevice
from dangpt.models import ApiToken
from dangpt.services import api_token_revoke, user_deactivate

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
    # Whether a token passed the second factor, and its revocation, are facts, not settings.
    readonly_fields = [
        "user",
        "key_hash",
        "hint",
        "created_at",
        "last_used_at",
        "second_factor",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        # Tokens come from `create_api_token` or the token endpoint, which show the raw value once.
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        """Revoke each selected token through the service; they answer 401 from now on."""
        for token in queryset:
            api_token_revoke(token=token)
        self.message_user(request, f"{queryset.count()} token(s) revoked.", messages.SUCCESS)


for otp_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(otp_model):
        admin.site.unregister(otp_model)


@admin.register(AuthenticatorDevice)
class AuthenticatorDeviceAdmin(admin.ModelAdmin):
    """Which accounts have an authenticator, never its secret; delete one to reset it."""

    list_display = ["user", "name", "confirmed", "created_at", "last_used_at"]
    fields = ["user", "name", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields
    list_select_related = ["user"]
    search_fields = ["user__username"]

    def has_add_permission(self, request):
        return False  # set up by the person, on the web, with their own app

    def has_change_permission(self, request, obj=None):
        return False
