from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    # The runner's portal.
    path("me/", views.home, name="home"),
    path("me/sessions/", views.log_session, name="log_session"),
    path("me/sessions/<int:pk>/morning/", views.session_morning, name="session_morning"),
    path("me/calendar/", views.session_calendar, name="calendar"),
    path("me/runs/", views.runs, name="runs"),
    path("me/runs/<int:pk>/morning/", views.run_morning, name="run_morning"),
    path("me/program/print/", views.my_program_print, name="my_print"),
    # Therapists: prescribing.
    path("programs/", views.program_list, name="list"),
    path("programs/dashboard/", views.dashboard, name="dashboard"),
    path("programs/new/", views.create_program, name="create"),
    path("programs/<int:pk>/", views.program_detail, name="detail"),
    path("programs/<int:pk>/settings/", views.program_settings, name="settings"),
    path("programs/<int:pk>/items/add/", views.item_add, name="item_add"),
    path("programs/<int:pk>/items/<int:item_pk>/", views.item_edit, name="item_edit"),
    path("programs/<int:pk>/items/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
    path("programs/<int:pk>/items/<int:item_pk>/move/", views.item_move, name="item_move"),
    path("programs/<int:pk>/publish/", views.publish, name="publish"),
    path("programs/<int:pk>/end/", views.end_program, name="end"),
    path("programs/<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("programs/<int:pk>/print/", views.program_print, name="print"),
    path("programs/<int:pk>/suggestions/", views.suggestions_generate, name="suggest"),
    path(
        "programs/<int:pk>/suggestions/<int:suggestion_pk>/approve/",
        views.suggestion_approve,
        name="suggestion_approve",
    ),
    path(
        "programs/<int:pk>/suggestions/<int:suggestion_pk>/dismiss/",
        views.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    # The exercise library.
    path("programs/library/", views.exercise_list, name="library"),
    path("programs/library/<slug:slug>/", views.exercise_detail, name="exercise"),
]
