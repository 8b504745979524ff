from django.apps import AppConfig


def _grant_app_role(sender, using: str = "default", **kwargs) -> None:
    """After `migrate` (run as the owner), grant the app's role the tables as they now are."""
    from django.conf import settings

    from dangpt.audit.database import grant_app_role

    if settings.DATABASE_APP_ROLE:
        grant_app_role(
            settings.DATABASE_APP_ROLE, using=using, password=settings.DATABASE_APP_PASSWORD
        )


class DangptConfig(AppConfig):
    name = "dangpt"
    verbose_name = "Dang PT"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in, user_login_failed
        from django.db.models.signals import post_delete, post_migrate

        from dangpt.rowcache import on_user_deactivated
        from dangpt.sessions import session_start
        from dangpt.signals import on_user_deleted, user_deactivated
        from dangpt.throttle import on_login_failed

        user_logged_in.connect(session_start, dispatch_uid="dangpt.session_start")
        post_migrate.connect(_grant_app_role, sender=self, dispatch_uid="dangpt.grant_app_role")
        user_login_failed.connect(on_login_failed, dispatch_uid="dangpt.throttle.count")
        post_delete.connect(
            on_user_deleted, sender=get_user_model(), dispatch_uid="dangpt.user_deleted"
        )
        user_deactivated.connect(on_user_deactivated, dispatch_uid="dangpt.rowcache.drop")
