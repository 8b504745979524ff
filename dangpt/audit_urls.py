"""URL of the manager's audit search (namespace ``audit``)."""

from django.urls import path

from dangpt import audit_views

app_name = "audit"
urlpatterns = [
    path("manager/audit/", audit_views.audit_search, name="search"),
]
