"""A real SMTP server on loopback for the sending tests (aiosmtpd in a thread): it keeps each
e-mail it takes (envelope and parsed message) and can be told to refuse a recipient for good
(550) or for now (451), as a real server does."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
from dataclasses import dataclass

from aiosmtpd.controller import Controller

REFUSED = "550 5.1.1 No such mailbox here"
TRY_LATER = "451 4.3.0 Mailbox busy, try again later"


@dataclass
class Received:
    """One e-mail as it arrived: who the envelope was from and to, and the message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: email.message.EmailMessage

    @property
    def text(self) -> str:
        """The plain-text body (the first text/plain part)."""
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    def attachments(self) -> dict[str, bytes]:
        return {
            part.get_filename(): part.get_payload(decode=True)
            for part in self.message.iter_attachments()
        }


class _Handler:
    def __init__(self):
        self.lock = threading.Lock()
        self.received: list[Received] = []
        self.answers: dict[str, str] = {}  # lower-cased address -> SMTP answer to RCPT
        self.data_answer = ""  # an answer to DATA instead of taking the e-mail

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            answer = self.answers.get(address.lower())
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            answer = self.data_answer
        if answer:
            return answer
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.lock:
            self.received.append(
                Received(
                    mail_from=envelope.mail_from,
                    rcpt_tos=list(envelope.rcpt_tos),
                    raw=raw,
                    message=parsed,
                )
            )
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """The server and what it has taken. `refuse(address)` answers 550 to that recipient,
    `try_later(address)` 451, `accept(address)` takes it again; `refuse_data(answer)` answers
    every e-mail's content with `answer`."""

    host = "127.0.0.1"

    def __init__(self):
        self.handler = _Handler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname=self.host, port=self.port)
        self.running = False

    def start(self) -> SMTPServer:
        self.controller.start()
        self.running = True
        return self

    def stop(self) -> None:
        """Stops the server (as a server that is down); safe to call twice."""
        if self.running:
            self.controller.stop()
            self.running = False

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        """What arrived for one address (envelope recipients)."""
        return [r for r in self.received if address.lower() in (a.lower() for a in r.rcpt_tos)]

    def refuse(self, address: str, answer: str = REFUSED) -> None:
        with self.handler.lock:
            self.handler.answers[address.lower()] = answer

    def try_later(self, address: str) -> None:
        self.refuse(address, TRY_LATER)

    def refuse_data(self, answer: str) -> None:
        """Answer DATA with `answer` (e.g. "552 5.3.4 Message too big"); "" takes e-mails again."""
        with self.handler.lock:
            self.handler.data_answer = answer

    def accept(self, address: str) -> None:
        with self.handler.lock:
            self.handler.answers.pop(address.lower(), None)

    def mailers(self) -> dict:
        """settings.MAILERS pointing Django's SMTP backend at this server."""
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": self.host, "port": self.port, "timeout": 10},
            }
        }
