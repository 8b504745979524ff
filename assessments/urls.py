"""URLs of the assessments app (namespace ``assessments``); ids only in paths, never names."""

from django.urls import path

from assessments.views import (
    attachments,
    charts,
    clearance,
    clips,
    evaluations,
    gait,
    outcomes,
    screening,
)

app_name = "assessments"
urlpatterns = [
    # Screening
    path("me/questionnaire/", screening.questionnaire, name="questionnaire"),
    path("me/questionnaire/sent/", screening.questionnaire_sent, name="questionnaire_sent"),
    path("screenings/", screening.screening_list, name="screening_list"),
    path("screenings/new/", screening.screening_start, name="screening_start"),
    path("screenings/<int:pk>/", screening.screening_detail, name="screening_detail"),
    path(
        "screenings/<int:pk>/review/", screening.screening_review_answers, name="screening_review"
    ),
    path(
        "screenings/<int:pk>/acknowledge/",
        screening.screening_acknowledge_flags,
        name="screening_acknowledge",
    ),
    path("screenings/<int:pk>/diagnosis/", screening.screening_diagnose, name="screening_diagnose"),
    # Charts
    path("clinical/patients/", charts.patient_list, name="patient_list"),
    path("clinical/patients/<int:patient_id>/", charts.patient_chart, name="patient_chart"),
    path(
        "clinical/patients/<int:patient_id>/return-to-run/",
        clearance.clearance_new,
        name="clearance_new",
    ),
    # Evaluations
    path(
        "clinical/patients/<int:patient_id>/evaluations/new/",
        evaluations.evaluation_new,
        name="evaluation_new",
    ),
    path("clinical/evaluations/", evaluations.evaluation_list, name="evaluation_list"),
    path("clinical/evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation_detail"),
    path(
        "clinical/evaluations/<int:pk>/edit/", evaluations.evaluation_edit, name="evaluation_edit"
    ),
    path(
        "clinical/evaluations/<int:pk>/sign/",
        evaluations.evaluation_sign_view,
        name="evaluation_sign",
    ),
    path(
        "clinical/evaluations/<int:pk>/addenda/",
        evaluations.evaluation_addendum,
        name="evaluation_addendum",
    ),
    path(
        "clinical/evaluations/<int:pk>/history/",
        evaluations.evaluation_history_view,
        name="evaluation_history",
    ),
    # Gait
    path("clinical/patients/<int:patient_id>/gait/new/", gait.gait_new, name="gait_new"),
    path(
        "clinical/patients/<int:patient_id>/gait/compare/", gait.gait_compare, name="gait_compare"
    ),
    path("clinical/gait/<int:pk>/", gait.gait_detail, name="gait_detail"),
    path("clinical/gait/<int:pk>/edit/", gait.gait_edit, name="gait_edit"),
    # Gait video: side-by-side player, measurements, the runner's shared clips
    path(
        "clinical/patients/<int:patient_id>/videos/compare/",
        clips.clip_compare,
        name="clip_compare",
    ),
    path("clinical/attachments/<int:pk>/measurements/", clips.clip_measure, name="clip_measure"),
    path("me/clips/", clips.my_clips, name="my_clips"),
    # Outcome measures
    path(
        "clinical/patients/<int:patient_id>/outcomes/<slug:instrument>/",
        outcomes.outcome_trend_view,
        name="outcome_trend",
    ),
    path(
        "clinical/patients/<int:patient_id>/outcomes/<slug:instrument>/record/",
        outcomes.outcome_record_view,
        name="outcome_record",
    ),
    path(
        "clinical/patients/<int:patient_id>/schedules/new/",
        outcomes.schedule_new,
        name="schedule_new",
    ),
    path(
        "clinical/schedules/<int:pk>/discharge/",
        outcomes.schedule_discharge,
        name="schedule_discharge",
    ),
    path("clinical/outcomes/", outcomes.outcome_overview_view, name="outcome_overview"),
    path(
        "clinical/outcome-results/<int:pk>/history/",
        outcomes.outcome_history_view,
        name="outcome_history",
    ),
    path("me/measures/", outcomes.my_measures, name="my_measures"),
    # Attachments (files served by scoped views only: no public URL)
    path(
        "clinical/patients/<int:patient_id>/files/",
        attachments.attachment_list,
        name="attachment_list",
    ),
    path(
        "clinical/patients/<int:patient_id>/files/new/",
        attachments.attachment_upload,
        name="attachment_upload",
    ),
    path("clinical/attachments/<int:pk>/", attachments.attachment_detail, name="attachment_detail"),
    path(
        "clinical/attachments/<int:pk>/retry/",
        attachments.attachment_retry_view,
        name="attachment_retry",
    ),
    path(
        "clinical/attachments/<int:pk>/share/",
        attachments.attachment_share_view,
        name="attachment_share",
    ),
    path(
        "clinical/attachments/<int:pk>/delete/",
        attachments.attachment_delete_view,
        name="attachment_delete",
    ),
    path(
        "clinical/attachments/<int:pk>/original",
        attachments.attachment_original,
        name="attachment_original",
    ),
    path(
        "clinical/attachments/<int:pk>/video.mp4",
        attachments.attachment_playable,
        name="attachment_playable",
    ),
    path(
        "clinical/attachments/<int:pk>/poster.jpg",
        attachments.attachment_poster,
        name="attachment_poster",
    ),
    path("me/clips/<int:pk>/video.mp4", attachments.my_clip_playable, name="my_clip_playable"),
    path("me/clips/<int:pk>/poster.jpg", attachments.my_clip_poster, name="my_clip_poster"),
    path(
        "me/measures/<int:schedule_id>/<slug:timepoint>/<slug:instrument>/",
        outcomes.my_measure_fill,
        name="my_measure_fill",
    ),
]
