"""Real receivers for alert tests: an SMTP server (aiosmtpd) and a webhook endpoint (http.server), on loopback."""

from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import threading
import time
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(predicate: Any, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return bool(predicate())


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps every message it accepts (parsed)."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self._controller: Any = None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        """Keep the message."""
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, n: int, *, timeout_s: float = 30.0) -> list[EmailMessage]:
        """The messages once there are at least ``n`` (fails the test when they do not come)."""
        assert _wait(lambda: len(self.messages) >= n, timeout_s), f"expected {n} e-mail(s), got {len(self.messages)}"
        return self.messages


class WebhookSink:
    """An HTTP endpoint on 127.0.0.1 that keeps every POST and checks its ``X-Landreg-Signature``."""

    def __init__(self) -> None:
        self.secret: str | None = None
        self.calls: list[dict[str, Any]] = []
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                given = self.headers.get("X-Landreg-Signature", "")
                expected = "sha256=" + hmac.new((sink.secret or "").encode(), raw, hashlib.sha256).hexdigest()
                sink.calls.append(
                    {
                        "body": json.loads(raw),
                        "signature_valid": sink.secret is not None and hmac.compare_digest(given, expected),
                        "content_type": self.headers.get("Content-Type"),
                    }
                )
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/hooks/landreg"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> WebhookSink:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, n: int, *, timeout_s: float = 30.0) -> list[dict[str, Any]]:
        """The calls once there are at least ``n``."""
        assert _wait(lambda: len(self.calls) >= n, timeout_s), f"expected {n} webhook call(s), got {len(self.calls)}"
        return self.calls
