from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Home exercise programs"

    def ready(self) -> None:
        from dangpt.signals import user_deactivated
        from programs.portal.cache import on_user_deactivated

        user_deactivated.connect(on_user_deactivated, dispatch_uid="programs.portal.cache.drop")
