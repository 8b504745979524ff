from django.contrib import admin
from django.urls import include, path

from dangpt import views
from dangpt.api import api

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/mfa/", include("dangpt.mfa_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("dangpt.audit_urls")),
    path("", include("patients.urls")),
    path("", include("programs.urls")),
    path("", include("assessments.urls")),
    path("", include("patients.reminders.urls")),
]
