from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        """Register the app's system checks."""
        from assessments import checks  # noqa: F401
