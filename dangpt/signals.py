"""Signals the core sends for the apps to act on (the core imports no app)."""

from django.dispatch import Signal

# Sent once an account's deactivation is committed, with `user_id`: apps drop what they hold
# for it outside the database (the runner home's cached pages in Redis).
user_deactivated = Signal()
