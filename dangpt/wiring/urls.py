"""The project URL conf (ROOT_URLCONF): the core's pages, every app's URLs and the API."""

from django.contrib import admin
from django.urls import include, path

from dangpt import views
from dangpt.wiring import accounts, audit_search, language, letters, record
from dangpt.wiring.api import api
from dangpt.wiring.reports import report_urls

audit_urls = ([path("manager/audit/", audit_search.audit_search, name="search")], "audit")
record_urls = (
    [
        path("me/record/", record.my_record, name="mine"),
        path("me/record/record.pdf", record.my_record_pdf, name="mine_pdf"),
        path("me/record/record.json", record.my_record_json, name="mine_json"),
        path(
            "clinical/patients/<int:patient_id>/record.pdf",
            record.patient_record_pdf,
            name="patient_pdf",
        ),
        path(
            "clinical/patients/<int:patient_id>/record.json",
            record.patient_record_json,
            name="patient_json",
        ),
        path("clinical/evaluations/<int:pk>/letter.pdf", letters.evaluation_letter, name="letter"),
    ],
    "records",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Django's i18n URL (django.conf.urls.i18n) with a runner's choice also saved.
    path("i18n/setlang/", language.set_language, name="set_language"),
    path("accounts/mfa/", include("dangpt.mfa.urls")),
    path("accounts/password_reset/", accounts.password_reset, name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include(audit_urls)),
    path("", include(record_urls)),
    path("", include("patients.urls")),
    path("", include("programs.urls")),
    path("", include("assessments.urls")),
    path("", include("patients.reminders.urls")),
    path("", include(report_urls)),
]
