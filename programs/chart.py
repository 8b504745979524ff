"""The patient's programs as the clinical chart lists them (registered in ProgramsConfig.ready)."""

from django.db.models import Min
from django.urls import reverse

from assessments.interface import ChartProgram
from programs.models import Program


def chart_programs(patient, limit: int) -> list[ChartProgram]:
    """The patient's programs, newest first, with their condition and first publication (one
    query)."""
    rows = (
        Program.objects.filter(patient=patient)
        .select_related("template")
        .annotate(first_published=Min("versions__published_at"))
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        ChartProgram(
            title=program.title,
            condition=program.template.get_condition_display() if program.template else "",
            status=program.status,
            status_label=program.get_status_display(),
            since=program.first_published or program.created_at,
            url=reverse("programs:detail", args=[program.pk]),
        )
        for program in rows
    ]
