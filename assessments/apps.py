from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        """Register the app's system checks, and its screenings with the pre-visit checklist."""
        from assessments import checks  # noqa: F401
        from assessments.selectors import screening_summaries
        from patients.previsit import register_screening_source

        register_screening_source(screening_summaries)
