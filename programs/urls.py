from django.urls import path

from programs import views

app_name = "programs"
urlpatterns = [
    path("me/", views.home, name="home"),
]
