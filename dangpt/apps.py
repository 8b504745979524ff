from django.apps import AppConfig


class DangptConfig(AppConfig):
    name = "dangpt"
    verbose_name = "Dang PT"
