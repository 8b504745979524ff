"""Fill the kind of access-log rows written before it existed, from their free-text `what`."""

import pgtrigger
from django.db import migrations

# The text each older row began with, and the kind it names.
PREFIXES = {
    "chart": "chart",
    "patient": "patient",
    "running profile": "running_profile",
    "appointment": "appointment",
    "screening": "screening",
    "evaluations of patient": "evaluation_list",
    "evaluation history": "evaluation_history",
    "evaluation": "evaluation",
    "gait analysis": "gait_analysis",
    "gait comparison": "gait_comparison",
    "outcome trend": "outcome_trend",
    "outcome result history": "outcome_history",
    "program version": "program_version",
    "program": "program",
    "session calendar": "session_calendar",
    "run log": "run_log",
}


def fill_kinds(apps, schema_editor):
    access_log = apps.get_model("dangpt", "AccessLog")
    with pgtrigger.ignore("dangpt.AccessLog:accesslog_append_only"):
        # Longer prefixes first, so "evaluation history" is not taken for "evaluation".
        for prefix in sorted(PREFIXES, key=len, reverse=True):
            access_log.objects.filter(kind="", what__startswith=prefix).update(
                kind=PREFIXES[prefix]
            )


def clear_kinds(apps, schema_editor):
    access_log = apps.get_model("dangpt", "AccessLog")
    with pgtrigger.ignore("dangpt.AccessLog:accesslog_append_only"):
        access_log.objects.update(kind="")


class Migration(migrations.Migration):
    dependencies = [("dangpt", "0005_access_log_kind")]

    operations = [migrations.RunPython(fill_kinds, clear_kinds)]
