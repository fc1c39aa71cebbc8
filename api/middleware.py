"""ASGI middleware: request size, URL length and time limits, JSON bodies only, one structured log line per request."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("landreg.api.access")


class BodyTooLargeError(Exception):
    """Raised inside ``receive`` when a body passes the limit."""


class BodySizeLimitMiddleware:
    """Answer 413 when a request body (declared or streamed) exceeds ``max_body_bytes``."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass HTTP requests on, answering 413 as soon as the declared or streamed body passes the limit."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await _reject(send, self.max_body_bytes)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise BodyTooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except BodyTooLargeError:
            if not started:
                await _reject(send, self.max_body_bytes)


async def _reject(send: Send, limit: int) -> None:
    await _send_error(send, 413, "PayloadTooLarge", f"the request body exceeds the limit of {limit} bytes")


class UrlLengthMiddleware:
    """Answer 414 when the request target (path and query string) is longer than ``max_url_bytes``."""

    def __init__(self, app: ASGIApp, *, max_url_bytes: int) -> None:
        self.app = app
        self.max_url_bytes = max_url_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests on, answering 414 to one whose URL is too long to read."""
        if scope["type"] == "http":
            path = scope.get("raw_path") or scope["path"].encode()
            length = len(path) + len(scope.get("query_string", b"")) + 1
            if length > self.max_url_bytes:
                await _send_error(
                    send,
                    414,
                    "URITooLong",
                    f"the request URL is {length} bytes long; at most {self.max_url_bytes} are accepted "
                    "(a long CQL2 filter can often be shortened with IN (...))",
                )
                return
        await self.app(scope, receive, send)


class RequestTimeoutMiddleware:
    """Answer a GET or HEAD that has not started its response within ``timeout_s`` with a 503 and Retry-After.

    The work behind it is not interrupted (a thread cannot be stopped safely); what it sends
    later is dropped. Writes are never cut short: they finish and answer as usual.
    """

    def __init__(self, app: ASGIApp, *, timeout_s: float, retry_after_s: int) -> None:
        self.app = app
        self.timeout_s = timeout_s
        self.retry_after_s = retry_after_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests on; a read still silent after ``timeout_s`` gets the 503 instead."""
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        state = {"started": False, "timed_out": False}

        async def guarded_send(message: Message) -> None:
            if state["timed_out"]:
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        try:
            await asyncio.wait_for(asyncio.shield(task), self.timeout_s)
            return
        except TimeoutError:
            if state["started"]:  # the answer is on its way: let it finish
                await task
                return
        state["timed_out"] = True
        task.add_done_callback(_consume_outcome)
        await _send_error(
            send,
            503,
            "RequestTimeout",
            f"the request took longer than {self.timeout_s:g} s and was given up; ask again in a little while, "
            "or ask for less (a bbox, a smaller limit)",
            headers=[(b"retry-after", str(self.retry_after_s).encode())],
        )


def _consume_outcome(task: asyncio.Future[None]) -> None:
    """Read the outcome of work whose answer was given up, so an error in it is not reported as unread."""
    if not task.cancelled() and task.exception() is not None:
        log.warning(json.dumps({"event": "work-after-timeout-failed", "error": str(task.exception())}))


class JsonBodyMiddleware:
    """Answer 415 when a POST, PUT or PATCH body declares a media type other than JSON.

    Every body this service reads is JSON (``application/json``, ``application/geo+json``,
    any ``+json`` type); a body without a ``Content-Type`` is read as JSON.  Under ``form_paths``
    an HTML form (``application/x-www-form-urlencoded``) is accepted too.
    """

    def __init__(self, app: ASGIApp, *, form_paths: tuple[str, ...] = ()) -> None:
        self.app = app
        self.form_paths = form_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass requests on, answering 415 to a write whose body is declared as something other than JSON."""
        if scope["type"] == "http" and scope["method"] in ("POST", "PUT", "PATCH"):
            headers = dict(scope.get("headers") or [])
            declared = headers.get(b"content-type", b"").decode("latin-1")
            media_type = declared.split(";", 1)[0].strip().lower()
            form = media_type == "application/x-www-form-urlencoded" and scope["path"].startswith(self.form_paths)
            if media_type and headers.get(b"content-length") != b"0" and not _is_json(media_type) and not form:
                await _send_error(
                    send,
                    415,
                    "UnsupportedMediaType",
                    f"the request body is declared as {media_type!r}; send it as JSON "
                    "(Content-Type: application/json or application/geo+json)",
                )
                return
        await self.app(scope, receive, send)


def _is_json(media_type: str) -> bool:
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


async def _send_error(
    send: Send, status: int, code: str, description: str, *, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    body = json.dumps({"code": code, "description": description}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class AccessLogMiddleware:
    """Log method, path, query, status and latency of every request as one JSON line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass HTTP requests on and log one JSON line when the response has been sent."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, capture)
        finally:
            log.info(
                json.dumps(
                    {
                        "event": "request",
                        "method": scope["method"],
                        "path": scope["path"],
                        "query": scope.get("query_string", b"").decode("latin-1"),
                        "status": status["code"],
                        "latency_ms": round((time.perf_counter() - t0) * 1000, 2),
                        "client": (scope.get("client") or ["?"])[0],
                    },
                    ensure_ascii=False,
                )
            )
