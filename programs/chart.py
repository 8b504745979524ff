"""The patient's programs as the clinical chart lists them (registered in ProgramsConfig.ready)."""

from django.db.models import Min, Q
from django.urls import reverse

from assessments.interface import ChartProgram
from programs.models import Program, ProgramStatus


def chart_programs(patient, limit: int) -> list[ChartProgram]:
    """The patient's newest ``limit`` programs and the active one however old (so the chart's
    summary finds it), newest first, with their condition and first publication (one query)."""
    mine = Program.objects.filter(patient=patient)
    newest = mine.order_by("-created_at", "-id").values("pk")[:limit]
    rows = (
        mine.filter(Q(pk__in=newest) | Q(status=ProgramStatus.ACTIVE))
        .select_related("template")
        .annotate(first_published=Min("versions__published_at"))
        .order_by("-created_at", "-id")
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
