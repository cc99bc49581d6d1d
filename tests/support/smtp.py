"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

import email
import re
import socket
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller


@dataclass
class Inbox:
    """What the server received, parsed."""

    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(  # noqa: N802 - aiosmtpd's handler hook name
        self, _server: Any, _session: Any, envelope: Any
    ) -> str:
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    def link_token(self, address: str) -> str:
        """The secret in the link of the last message to `address`."""
        body = self.body(self.to(address)[-1])
        found = re.search(r"token=([A-Za-z0-9_-]+)", body)
        assert found, body
        return found.group(1)

    def body(self, message: Message) -> str:
        payload = message.get_payload(decode=True)
        assert isinstance(payload, bytes)
        charset = message.get_content_charset() or "utf-8"
        return payload.decode(charset)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class SmtpServer:
    """Start and stop a loopback SMTP server on a fixed port (to test outages)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
