from django.apps import AppConfig


class DangptConfig(AppConfig):
    name = "dangpt"
    verbose_name = "Dang PT"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from dangpt.sessions import session_start
        from dangpt.throttle import on_login_failed

        user_logged_in.connect(session_start, dispatch_uid="dangpt.session_start")
        user_login_failed.connect(on_login_failed, dispatch_uid="dangpt.throttle.count")
