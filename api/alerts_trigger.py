"""After every successful write, the saved searches are scanned in the background (never on the request path)."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from landreg.alerts import AlertDispatcher, AlertSettings
from landreg.registry.base import Registry

_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class AlertTriggerMiddleware:
    """Ask the app's alert dispatcher for a scan once a write (POST, PUT, PATCH, DELETE) has succeeded.

    Saving or confirming a search (``/alerts``) is no registry change and triggers nothing here.
    The scan runs in the dispatcher's thread after the response is sent.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; after a 2xx answer to a write outside ``/alerts``, schedule a scan."""
        if scope["type"] != "http" or scope["method"] not in _WRITES or scope["path"].startswith("/alerts"):
            await self.app(scope, receive, send)
            return
        status = 0

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        await self.app(scope, receive, watching_send)
        dispatcher = getattr(scope["app"].state, "alert_dispatcher", None)
        if 200 <= status < 300 and dispatcher is not None:
            dispatcher.schedule()


def start_alerts(app: Any, registry: Registry, *, refresher: Any) -> AlertDispatcher:
    """The app's alert settings (``LANDREG_SMTP_*``, ``LANDREG_ALERTS_*``) and dispatcher, at startup.

    The dispatcher waits for the enrichment refresh before it scans, so a new plot is matched with
    its travel times; changes made while the service was down are scanned and messages left waiting
    are retried now.
    """
    app.state.alert_settings = AlertSettings()
    app.state.alert_saves = SaveRateLimiter(per_hour=app.state.alert_settings.alerts_saves_per_hour)
    app.state.alert_dispatcher = AlertDispatcher(
        registry, settings=app.state.alert_settings, before_scan=refresher.wait
    )
    app.state.alert_dispatcher.schedule()  # changes made while the service was down, messages left waiting
    return app.state.alert_dispatcher


class SaveRateLimiter:
    """At most ``per_hour`` saved searches per client address in any hour (in memory, per process)."""

    def __init__(self, *, per_hour: int, window_s: float = 3600.0) -> None:
        self.per_hour = per_hour
        self.window_s = window_s
        self._lock = threading.Lock()
        self._seen: dict[str, deque[float]] = {}

    def retry_after_s(self, client: str) -> int | None:
        """Record an attempt by ``client``; seconds it must wait when over the limit (then not recorded)."""
        now = time.monotonic()
        with self._lock:
            times = self._seen.setdefault(client, deque())
            while times and now - times[0] > self.window_s:
                times.popleft()
            if len(times) >= self.per_hour:
                return max(1, int(self.window_s - (now - times[0])) + 1)
            times.append(now)
            if len(self._seen) > 10_000:  # forget idle clients so the table stays bounded
                for key in [k for k, v in self._seen.items() if not v or now - v[-1] > self.window_s]:
                    del self._seen[key]
            return None
