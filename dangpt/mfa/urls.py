"""Two-step sign-in pages under /accounts/mfa/."""

from django.urls import path

from dangpt.mfa import views as mfa_views

app_name = "mfa"

urlpatterns = [
    path("", mfa_views.mfa_settings, name="settings"),
    path("setup/", mfa_views.mfa_setup, name="setup"),
    path("verify/", mfa_views.mfa_verify, name="verify"),
    path("recovery-codes/", mfa_views.mfa_recovery_codes, name="recovery_codes"),
    path("disable/", mfa_views.mfa_disable, name="disable"),
]
