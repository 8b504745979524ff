"""The bulk FHIR export as a Celery task: it takes the export's id only."""

import logging
from pathlib import Path

from celery import shared_task

from .bulk import export_clinic
from .progress import export_progress, export_progress_set

logger = logging.getLogger(__name__)


@shared_task
def fhir_export_run(export_id: str) -> None:
    """Write the whole clinic as NDJSON into the directory the export was created with."""
    state = export_progress(export_id=export_id)
    if state is None or state.get("status") != "queued":
        logger.warning("FHIR export %s is unknown or already started", export_id)
        return
    export_progress_set(export_id=export_id, status="running", done=0)

    def progress(done: int, total: int, resource: str) -> None:
        export_progress_set(export_id=export_id, done=done, total=total, resource=resource)

    try:
        manifest = export_clinic(output=Path(state["output"]), progress=progress)
    except Exception:
        logger.exception("FHIR export %s failed", export_id)
        export_progress_set(export_id=export_id, status="failed", error="The export failed.")
        raise
    export_progress_set(export_id=export_id, status="done", manifest=manifest)
