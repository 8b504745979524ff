from django.urls import path

from programs.views import library, portal, prescribing, printing, suggestions

app_name = "programs"
urlpatterns = [
    # The runner's portal.
    path("me/", portal.home, name="home"),
    path("me/sessions/", portal.log_session, name="log_session"),
    path("me/sessions/<int:pk>/morning/", portal.session_morning, name="session_morning"),
    path("me/calendar/", portal.session_calendar, name="calendar"),
    path("me/runs/", portal.runs, name="runs"),
    path("me/runs/<int:pk>/morning/", portal.run_morning, name="run_morning"),
    path("me/program/print/", printing.my_program_print, name="my_print"),
    # Therapists: prescribing.
    path("programs/", prescribing.program_list, name="list"),
    path("programs/dashboard/", prescribing.dashboard, name="dashboard"),
    path("programs/new/", prescribing.create_program, name="create"),
    path("programs/<int:pk>/", prescribing.program_detail, name="detail"),
    path("programs/<int:pk>/settings/", prescribing.program_settings, name="settings"),
    path("programs/<int:pk>/items/add/", prescribing.item_add, name="item_add"),
    path("programs/<int:pk>/items/<int:item_pk>/", prescribing.item_edit, name="item_edit"),
    path(
        "programs/<int:pk>/items/<int:item_pk>/delete/", prescribing.item_delete, name="item_delete"
    ),
    path("programs/<int:pk>/items/<int:item_pk>/move/", prescribing.item_move, name="item_move"),
    path("programs/<int:pk>/publish/", prescribing.publish, name="publish"),
    path("programs/<int:pk>/end/", prescribing.end_program, name="end"),
    path("programs/<int:pk>/versions/<int:number>/", prescribing.version_detail, name="version"),
    path("programs/<int:pk>/print/", printing.program_print, name="print"),
    path("programs/<int:pk>/suggestions/", suggestions.suggestions_generate, name="suggest"),
    path(
        "programs/<int:pk>/suggestions/<int:suggestion_pk>/approve/",
        suggestions.suggestion_approve,
        name="suggestion_approve",
    ),
    path(
        "programs/<int:pk>/suggestions/<int:suggestion_pk>/dismiss/",
        suggestions.suggestion_dismiss,
        name="suggestion_dismiss",
    ),
    # The exercise library.
    path("programs/library/", library.exercise_list, name="library"),
    path("programs/library/<slug:slug>/", library.exercise_detail, name="exercise"),
]
