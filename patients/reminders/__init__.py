"""Appointment reminders and runner nudges: a transactional outbox drained by Celery."""
