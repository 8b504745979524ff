from django.urls import path

from patients import views

app_name = "patients"
urlpatterns = [
    path("desk/schedule/", views.schedule, name="schedule"),
    path("therapist/day/", views.my_day, name="my_day"),
    path("manager/", views.clinic_overview, name="clinic_overview"),
]
