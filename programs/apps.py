from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Home exercise programs"

    def ready(self) -> None:
        # The chart (assessments) lists a patient's programs through the hook it publishes.
        from assessments.interface import register_chart_programs
        from programs.chart import chart_programs

        register_chart_programs(chart_programs)
