"""python manage.py export_fhir --user MANAGER [--output DIR]: the clinic as FHIR R4 NDJSON.

A Celery worker writes the files (dangpt/wiring/fhir/bulk.py); this command enqueues the export,
prints its progress until it is done, then the files and their counts. The manager named by
`--user` is the operator the access log records for every patient exported.
"""

import os
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dangpt.roles import Role, role_of
from dangpt.wiring.fhir.progress import export_progress, export_progress_set
from dangpt.wiring.fhir.tasks import fhir_export_run


class Command(BaseCommand):
    help = "Export every patient's record as FHIR R4 NDJSON (Bulk Data layout) via a worker."

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            required=True,
            help="Username of the manager running the export; the access log names them.",
        )
        parser.add_argument(
            "--output",
            help="Directory to write into (default: .data/fhir-export-<UTC time>). The worker "
            "writes it, so it must be a path the worker can reach.",
        )
        parser.add_argument("--timeout", type=float, default=3600, help="Seconds to wait.")
        parser.add_argument("--poll", type=float, default=1.0, help="Seconds between checks.")
        parser.add_argument("--queue", default=None, help="Celery queue (default: the app's).")

    def handle(self, *args, user: str, output, timeout: float, poll: float, queue, **options):
        operator = get_user_model().objects.filter(username=user).first()
        if operator is None or role_of(operator) != Role.MANAGER:
            raise CommandError(f"{user!r} is not an active manager; only a manager exports.")
        if output is None:
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            output = Path(settings.BASE_DIR) / ".data" / f"fhir-export-{stamp}"
        # Absolute, symlinks not resolved: the worker refuses a symlinked folder.
        output = Path(os.path.abspath(output))
        if output.is_dir() and not output.is_symlink() and any(output.iterdir()):
            raise CommandError(f"{output} is not empty; choose a new directory.")
        export_id = uuid.uuid4().hex
        export_progress_set(
            export_id=export_id, status="queued", output=str(output), user_id=operator.pk
        )
        fhir_export_run.apply_async(args=[export_id], queue=queue)
        self.stdout.write(f"Export {export_id} queued; a worker writes it to {output}")
        state = self._follow(export_id, timeout=timeout, poll=poll)
        if state["status"] == "failed":
            raise CommandError(state.get("error") or "The export failed; see the worker's log.")
        for entry in state["manifest"]["output"]:
            self.stdout.write(f"{entry['type']}: {entry['count']}")
        self.stdout.write(self.style.SUCCESS(f"Done: {output / 'manifest.json'}"))

    def _follow(self, export_id: str, *, timeout: float, poll: float) -> dict:
        """Print each change of progress until the export is done or failed."""
        deadline = time.monotonic() + timeout
        shown = None
        while time.monotonic() < deadline:
            state = export_progress(export_id=export_id) or {}
            line = _progress_line(state)
            if line != shown:
                self.stdout.write(line)
                shown = line
            if state.get("status") in ("done", "failed"):
                return state
            time.sleep(poll)
        raise CommandError(
            f"No result after {timeout:g} s; the worker may still be writing export {export_id}."
        )


def _progress_line(state: dict) -> str:
    status = state.get("status", "unknown")
    if status != "running" or not state.get("total"):
        return f"Status: {status}"
    done, total = state.get("done", 0), state["total"]
    return f"{state.get('resource', '')}: {done:,} of {total:,} ({100 * done // total}%)"
