from django.urls import path

from assessments import views

app_name = "assessments"
urlpatterns = [
    path("me/questionnaire/", views.questionnaire, name="questionnaire"),
    path("me/questionnaire/sent/", views.questionnaire_sent, name="questionnaire_sent"),
    path("screenings/", views.screening_list, name="screening_list"),
    path("screenings/new/", views.screening_start, name="screening_start"),
    path("screenings/<int:pk>/", views.screening_detail, name="screening_detail"),
    path("screenings/<int:pk>/review/", views.screening_review_answers, name="screening_review"),
    path(
        "screenings/<int:pk>/acknowledge/",
        views.screening_acknowledge_flags,
        name="screening_acknowledge",
    ),
    path("screenings/<int:pk>/diagnosis/", views.screening_diagnose, name="screening_diagnose"),
]
