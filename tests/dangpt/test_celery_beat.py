"""The beat schedule names only tasks that exist (apps own their tasks; a rename must follow)."""

from django.conf import settings

from dangpt.celery import app


def test_every_beat_task_is_registered():
    """Each scheduled task name is a task of some app's tasks.py."""
    app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]
