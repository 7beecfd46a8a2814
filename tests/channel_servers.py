"""Real local servers for notification tests: an SMTP server (aiosmtpd) that keeps every
message, and an HTTP server that receives webhook calls and checks their HMAC-SHA256."""

from __future__ import annotations

import email
import hashlib
import hmac
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Mailbox:
    """Every message the SMTP server accepted: (recipients, parsed message)."""

    messages: list[tuple[list[str], Message]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd hook: keep the message."""
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        """Messages sent to `address`."""
        with self.lock:
            return [m for rcpt, m in self.messages if address in rcpt]


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A running aiosmtpd server on loopback: (mailbox, port)."""
    from aiosmtpd.controller import Controller

    box = Mailbox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box, port
    finally:
        controller.stop()


@dataclass
class Hooks:
    """Webhook calls received, with whether their signature verified."""

    secret: bytes = b""
    calls: list[dict[str, Any]] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


@contextmanager
def webhook_server() -> Iterator[tuple[Hooks, str]]:
    """A running HTTP server that records POSTs: (hooks, url)."""
    hooks = Hooks()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            stamp = self.headers.get("X-Cyberfusion-Timestamp", "")
            given = self.headers.get("X-Cyberfusion-Signature", "")
            wanted = "sha256=" + hmac.new(hooks.secret, stamp.encode() + b"." + body,
                                          hashlib.sha256).hexdigest()
            with hooks.lock:
                status = hooks.answers.pop(0) if hooks.answers else 204
                hooks.calls.append({"verified": hmac.compare_digest(given, wanted),
                                    "delivery": self.headers.get("X-Cyberfusion-Delivery"),
                                    "body": json.loads(body), "status": status})
            self.send_response(status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hooks, f"http://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
