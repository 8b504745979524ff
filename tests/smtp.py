"""A real SMTP server on loopback (aiosmtpd) for tests that send mail; the `smtp_sink` and `smtp`
fixtures of tests/conftest.py start one."""

import asyncio
import email
import email.policy
import logging
import socket
import time

from aiosmtpd.controller import Controller


class SmtpSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

    def __init__(self, port: int):
        self.port = port
        self.messages: list = []
        self.rcpt_delay = 0.0
        self.controller = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_delay:
            await asyncio.sleep(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 Message accepted"

    def start(self) -> None:
        logging.getLogger("mail.log").setLevel(logging.WARNING)  # one line per SMTP command
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 15):
        """The count-th message received, once it has arrived (mail sent on commit, or by a
        worker, lands a moment after the page answers)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        assert len(self.messages) >= count, f"{len(self.messages)} emails, expected {count}"
        return self.messages[count - 1]


def plain_text(message) -> str:
    """The plain-text body of a message."""
    part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else message
    return part.get_content()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
