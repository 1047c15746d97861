"""A real SMTP server on a free loopback port, for tests of the outbox (aiosmtpd)."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A loopback port nothing listens on (until a server is started there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class MailServer:
    """Collects every message it accepts; ``during_data`` runs (in a worker thread) before it answers."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.received: list[Message] = []
        self.during_data: Callable[[], Any] | None = None
        self._controller: Controller | None = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.during_data is not None:
            # Run database work off the event loop, as another request would.
            await asyncio.get_running_loop().run_in_executor(None, self.during_data)
        self.received.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.received]


def point_email_at(settings: Any, port: int) -> None:
    """Send Django's email over SMTP to 127.0.0.1:port, as production would to its relay."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
