"""The bulk FHIR export as a Celery task: it takes the export's id only.

The command stores the output folder and the operator's user id under the export id; the task
reads the clinic through `replica_reads()` (the replica when one is configured) and writes one
access-log row per patient exported, naming the operator and the export. Its log lines carry the
export id and an exception's class only, never a message that could quote a record.
"""

import logging
from pathlib import Path

from celery import shared_task
from django.contrib.auth import get_user_model

from dangpt.audit import audit_bulk_export
from dangpt.replica import replica_reads

from .bulk import ExportRefused, export_clinic
from .progress import export_progress, export_progress_set

logger = logging.getLogger(__name__)

VIEW = "export_fhir"


class ExportFailed(Exception):
    """The export stopped; the cause's class is named, its message (which may quote a record)
    is not."""


@shared_task
def fhir_export_run(export_id: str) -> None:
    """Write the whole clinic as NDJSON into the directory the export was created with."""
    state = export_progress(export_id=export_id)
    if state is None or state.get("status") != "queued":
        logger.warning("FHIR export %s is unknown or already started", export_id)
        return
    export_progress_set(export_id=export_id, status="running", done=0)
    operator = get_user_model().objects.filter(pk=state.get("user_id"), is_active=True).first()
    if operator is None:
        logger.warning("FHIR export %s names no active operator", export_id)
        export_progress_set(
            export_id=export_id, status="failed", error="The export names no active user."
        )
        return

    def progress(done: int, total: int, resource: str) -> None:
        export_progress_set(export_id=export_id, done=done, total=total, resource=resource)

    def audit(patient_ids: list[int]) -> None:
        audit_bulk_export(user=operator, patient_ids=patient_ids, view=VIEW, ref=export_id)

    try:
        with replica_reads():
            manifest = export_clinic(output=Path(state["output"]), progress=progress, audit=audit)
    except ExportRefused as exc:  # our own message: the folder and why, nothing clinical
        logger.warning("FHIR export %s refused its folder", export_id)
        export_progress_set(export_id=export_id, status="failed", error=str(exc))
        return
    except Exception as exc:
        logger.error("FHIR export %s failed: %s", export_id, type(exc).__name__)  # noqa: TRY400
        export_progress_set(export_id=export_id, status="failed", error="The export failed.")
        raise ExportFailed(f"FHIR export {export_id} failed: {type(exc).__name__}") from None
    export_progress_set(export_id=export_id, status="done", manifest=manifest)
