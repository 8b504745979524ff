from django.urls import path

from patients.reminders import views

app_name = "reminders"
urlpatterns = [
    path("r/<str:token>/", views.link, name="link"),
    path("desk/reminders/", views.outbox, name="outbox"),
    path("desk/reminders/<int:pk>/retry/", views.retry, name="retry"),
    path("me/reminders/", views.preferences, name="preferences"),
]
