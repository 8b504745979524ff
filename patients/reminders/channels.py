"""Delivery channels. Email goes over SMTP (EMAIL_URL); SMS has no provider yet and says so."""

import logging
from dataclasses import dataclass

from django.core.mail import EmailMultiAlternatives, get_connection

logger = logging.getLogger(__name__)


class ChannelUnavailable(Exception):
    """The channel cannot deliver at all (not a temporary failure); the row is skipped."""


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str
    html: str
    attachments: tuple[tuple[str, bytes, str], ...] = ()


def send_email(message: Message) -> None:
    """Send one message; SMTP errors propagate so the task can retry."""
    email = EmailMultiAlternatives(
        subject=message.subject, body=message.text, to=[message.to], connection=get_connection()
    )
    email.attach_alternative(message.html, "text/html")
    for name, content, mimetype in message.attachments:
        email.attach(name, content, mimetype)
    email.send(fail_silently=False)


class LogSmsBackend:
    """The only SMS backend for now: it records that an SMS was wanted and delivers nothing."""

    def send(self, *, reminder_id: int, to: str, text: str) -> None:
        logger.info("SMS for reminder %s not sent: no SMS provider is configured", reminder_id)
        raise ChannelUnavailable("No SMS provider is configured; nothing was sent.")


sms_backend = LogSmsBackend()
