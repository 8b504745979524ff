from django.apps import AppConfig


class DangptConfig(AppConfig):
    name = "dangpt"
    verbose_name = "Dang PT"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dangpt.sessions import session_start

        user_logged_in.connect(session_start, dispatch_uid="dangpt.session_start")
