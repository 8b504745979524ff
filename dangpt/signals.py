"""Signals the core sends for the apps to act on (the core imports no app)."""

from django.dispatch import Signal

# Sent once an account's deactivation is committed, with `user_id`: apps drop what they hold
# for it outside the database (the runner home's cached pages in Redis).
user_deactivated = Signal()


def on_user_deleted(sender, instance, **kwargs) -> None:
    """`post_delete` of the user model: a deleted account is deactivated for good, so once the
    deletion is committed the apps drop what they hold for it, as after `user_deactivate`."""
    from django.db import transaction

    user_id = instance.pk
    transaction.on_commit(lambda: user_deactivated.send(sender=sender, user_id=user_id))
