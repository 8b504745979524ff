"""URLs of clinical records (namespace ``clinical``); ids only in paths, never names."""

from django.urls import path

from assessments import views_clinical as views

app_name = "clinical"
urlpatterns = [
    path("clinical/patients/", views.patient_list, name="patient_list"),
    path("clinical/patients/<int:patient_id>/", views.patient_chart, name="patient_chart"),
    path(
        "clinical/patients/<int:patient_id>/evaluations/new/",
        views.evaluation_new,
        name="evaluation_new",
    ),
    path("clinical/patients/<int:patient_id>/gait/new/", views.gait_new, name="gait_new"),
    path(
        "clinical/patients/<int:patient_id>/gait/compare/", views.gait_compare, name="gait_compare"
    ),
    path(
        "clinical/patients/<int:patient_id>/outcomes/<slug:instrument>/",
        views.outcome_trend_view,
        name="outcome_trend",
    ),
    path(
        "clinical/patients/<int:patient_id>/outcomes/<slug:instrument>/record/",
        views.outcome_record_view,
        name="outcome_record",
    ),
    path(
        "clinical/patients/<int:patient_id>/schedules/new/",
        views.schedule_new,
        name="schedule_new",
    ),
    path(
        "clinical/schedules/<int:pk>/discharge/",
        views.schedule_discharge,
        name="schedule_discharge",
    ),
    path("clinical/evaluations/", views.evaluation_list, name="evaluation_list"),
    path("clinical/evaluations/<int:pk>/", views.evaluation_detail, name="evaluation_detail"),
    path("clinical/evaluations/<int:pk>/edit/", views.evaluation_edit, name="evaluation_edit"),
    path("clinical/evaluations/<int:pk>/sign/", views.evaluation_sign_view, name="evaluation_sign"),
    path(
        "clinical/evaluations/<int:pk>/addenda/",
        views.evaluation_addendum,
        name="evaluation_addendum",
    ),
    path(
        "clinical/evaluations/<int:pk>/history/",
        views.evaluation_history_view,
        name="evaluation_history",
    ),
    path("clinical/gait/<int:pk>/", views.gait_detail, name="gait_detail"),
    path("clinical/gait/<int:pk>/edit/", views.gait_edit, name="gait_edit"),
    path("clinical/outcomes/", views.outcome_overview_view, name="outcome_overview"),
    path(
        "clinical/outcome-results/<int:pk>/history/",
        views.outcome_history_view,
        name="outcome_history",
    ),
    path("me/measures/", views.my_measures, name="my_measures"),
    path(
        "me/measures/<int:schedule_id>/<slug:timepoint>/<slug:instrument>/",
        views.my_measure_fill,
        name="my_measure_fill",
    ),
]
