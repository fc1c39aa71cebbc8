"""Bounds on what one public request may cost: size, time, concurrency per client, and a result cache.

The expensive routes (maps and analyses) run behind three guards:

* :func:`expensive_request`, a dependency: a client (by IP address) may have at most
  ``max_concurrent_per_client`` of them running; one more is a 429 with ``Retry-After``;
* :func:`check_analysis_size`: an analysis over more live plots than ``max_analysis_plots``
  (or one whose estimated memory passes ``max_analysis_memory_mb``) is refused with a 413
  before any work is done;
* :func:`guarded_response`: the work runs in a worker thread (at most ``analysis_workers`` at
  once) with a deadline of ``analysis_timeout_s``; past it the client gets a 503 with
  ``Retry-After`` while the work finishes into the cache. Identical requests share one
  computation, and answers are kept until the registry changes (the change key the tile cache
  uses, plus the change time of every table of a GeoPackage) or ``cache_ttl_s`` passes.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Protocol

from fastapi import Depends, Request
from fastapi.responses import Response

from api.settings import ApiSettings
from landreg.errors import LandregError
from landreg.registry.base import AnalysisSource, PlotStore, SqlReader
from landreg.tiles import registry_change_key


class TooManyRequestsError(LandregError):
    """The client already has as many expensive requests running as it may (429)."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after_s)}


class WorkTooLargeError(LandregError):
    """The answer would cover more than the service computes for one request (413)."""


class DeadlineExceededError(LandregError):
    """The answer was not ready within the request's time limit (503)."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(retry_after_s)}


@dataclass(frozen=True)
class _Stored:
    """A response as bytes, kept for one registry change key."""

    body: bytes
    status_code: int
    headers: tuple[tuple[str, str], ...]
    change_key: tuple[Any, ...]
    stored_at_s: float

    def response(self) -> Response:
        return Response(content=self.body, status_code=self.status_code, headers=dict(self.headers))


class WorkLimits:
    """The service's counters, worker slots and answer cache (one per app)."""

    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._active: dict[str, int] = {}
        self._workers = threading.BoundedSemaphore(settings.analysis_workers)
        self._inflight: dict[Hashable, Future[_Stored]] = {}
        self._cache: OrderedDict[Hashable, _Stored] = OrderedDict()
        self._cache_bytes = 0

    # ------------------------------------------------------------------ concurrency per client
    def enter(self, client: str) -> None:
        """Count one more expensive request of ``client``; 429 when it has its share running."""
        limit = self.settings.max_concurrent_per_client
        with self._lock:
            running = self._active.get(client, 0)
            if running >= limit:
                raise TooManyRequestsError(
                    f"{running} map or analysis requests from {client} are still running; at most {limit} at once "
                    "are served to one client. Wait for one to finish, then ask again",
                    retry_after_s=self.settings.retry_after_s,
                )
            self._active[client] = running + 1

    def leave(self, client: str) -> None:
        """Count one expensive request of ``client`` as finished."""
        with self._lock:
            running = self._active.get(client, 1) - 1
            if running > 0:
                self._active[client] = running
            else:
                self._active.pop(client, None)

    # ------------------------------------------------------------------ deadline, sharing, cache
    def answer(self, key: Hashable, *, change_key: tuple[Any, ...], build: Callable[[], Response]) -> Response:
        """The cached answer for ``key`` at ``change_key``, else ``build()`` run in a worker within the deadline."""
        timeout_s = self.settings.analysis_timeout_s
        with self._lock:
            stored = self._cache.get(key)
            if stored is not None:
                if (
                    stored.change_key == change_key
                    and time.monotonic() - stored.stored_at_s < self.settings.cache_ttl_s
                ):
                    self._cache.move_to_end(key)
                    return stored.response()
                self._forget(key)
            flight = (key, change_key)
            future = self._inflight.get(flight)
            leader = future is None
            if future is None:
                future = self._inflight[flight] = Future()
        if leader:
            self._start(flight, build, future, timeout_s=timeout_s)
        try:
            return future.result(timeout=timeout_s).response()
        except FutureTimeout:
            raise DeadlineExceededError(
                f"the answer was not ready within {timeout_s:g} s; it is still being computed and will be "
                "served from the cache, so ask again in a little while",
                retry_after_s=self.settings.retry_after_s,
            ) from None

    def _start(
        self,
        flight: tuple[Hashable, tuple[Any, ...]],
        build: Callable[[], Response],
        future: Future[_Stored],
        *,
        timeout_s: float,
    ) -> None:
        if not self._workers.acquire(timeout=timeout_s):
            with self._lock:
                self._inflight.pop(flight, None)
            future.set_exception(
                DeadlineExceededError(
                    f"every analysis worker ({self.settings.analysis_workers}) stayed busy for {timeout_s:g} s; "
                    "ask again in a little while",
                    retry_after_s=self.settings.retry_after_s,
                )
            )
            return
        thread = threading.Thread(target=self._work, args=(flight, build, future), name="landreg-work", daemon=True)
        thread.start()

    def _work(
        self, flight: tuple[Hashable, tuple[Any, ...]], build: Callable[[], Response], future: Future[_Stored]
    ) -> None:
        key, change_key = flight
        try:
            response = build()
            stored = _Stored(
                body=bytes(response.body),
                status_code=response.status_code,
                headers=tuple((k, v) for k, v in response.headers.items() if k.lower() != "content-length"),
                change_key=change_key,
                stored_at_s=time.monotonic(),
            )
        except BaseException as exc:  # handed to every waiting request, mapped to its status there
            with self._lock:
                self._inflight.pop(flight, None)
            future.set_exception(exc)
            return
        finally:
            self._workers.release()
        with self._lock:
            self._inflight.pop(flight, None)
            if stored.status_code == 200 and len(stored.body) <= self.settings.cache_mb * 1024 * 1024 // 4:
                self._forget(key)
                self._cache[key] = stored
                self._cache_bytes += len(stored.body)
                while self._cache_bytes > self.settings.cache_mb * 1024 * 1024:
                    self._forget(next(iter(self._cache)))
        future.set_result(stored)

    def _forget(self, key: Hashable) -> None:
        stored = self._cache.pop(key, None)
        if stored is not None:
            self._cache_bytes -= len(stored.body)

    def cached_answers(self) -> int:
        """How many answers the cache holds."""
        with self._lock:
            return len(self._cache)


def work_limits(request: Request) -> WorkLimits:
    """The app's :class:`WorkLimits` (created on first use)."""
    state = request.app.state
    limits = getattr(state, "work_limits", None)
    if limits is None:
        with _CREATE_LOCK:
            limits = getattr(state, "work_limits", None)
            if limits is None:
                limits = state.work_limits = WorkLimits(state.settings)
    return limits


_CREATE_LOCK = threading.Lock()


def client_of(request: Request) -> str:
    """The client's address (the peer; behind a proxy, run uvicorn with ``--proxy-headers``)."""
    return request.client.host if request.client else "unknown"


def expensive_request(request: Request) -> Iterator[None]:
    """Dependency of the maps and analyses: one of the client's few concurrent expensive requests (429 beyond)."""
    limits = work_limits(request)
    client = client_of(request)
    limits.enter(client)
    try:
        yield
    finally:
        limits.leave(client)


class AnalysedRegistry(AnalysisSource, SqlReader, Protocol):
    """A registry the service analyses: what the analyses read, and its database (the change key of cached answers)."""


def check_analysis_size(
    request: Request, registry: PlotStore, *, bytes_per_plot: float = 0.0, plots_read: int | None = None
) -> int:
    """The number of plots the analysis reads, once that is within the limits (413 otherwise).

    Parameters
    ----------
    request : Request
        The request (its app's settings hold the limits).
    registry : PlotStore
        The registry analysed.
    bytes_per_plot : float
        Estimated working memory of the analysis per plot, for analyses whose memory grows
        faster than the plot count (0 when the plot limit alone bounds it).
    plots_read : int, optional
        The plots the analysis really reads and computes over (e.g. only those edited since its
        kept results); default every live plot.
    """
    settings: ApiSettings = request.app.state.settings
    plots = int(registry.count_plots()) if plots_read is None else int(plots_read)
    if plots > settings.max_analysis_plots:
        raise WorkTooLargeError(
            f"this analysis would cover {plots} live plots; the service analyses at most "
            f"{settings.max_analysis_plots} per request (LANDREG_API_MAX_ANALYSIS_PLOTS). Run it with the landreg "
            "command line on the registry, or ask the operator to raise the limit"
        )
    budget_bytes = settings.max_analysis_memory_mb * 1024 * 1024
    if bytes_per_plot and plots * bytes_per_plot > budget_bytes:
        raise WorkTooLargeError(
            f"this analysis of {plots} plots would need about {plots * bytes_per_plot / 2**20:.0f} MB, more than "
            f"the {settings.max_analysis_memory_mb} MB the service gives one request "
            f"(LANDREG_API_MAX_ANALYSIS_MEMORY_MB); at most {int(budget_bytes // bytes_per_plot)} plots fit. "
            "Ask with smaller parameters, or run it with the landreg command line"
        )
    return plots


def analysis_change_key(registry: SqlReader) -> tuple[Any, ...]:
    """A value that changes when the registry changes: plots, business areas, and any other table.

    On a GeoPackage every table's change time is in ``gpkg_contents``.  On PostGIS the next
    transaction id is added: it moves with every committed write to any table (road projects,
    decisions, prices, enrichment), so no cached analysis outlives a change it depends on.
    """
    key = registry_change_key(registry)
    if registry.backend == "geopackage":
        key += registry.read_row("SELECT max(last_change) FROM gpkg_contents") or ()
    else:
        key += registry.read_row("SELECT pg_snapshot_xmax(pg_current_snapshot())::text") or ()
    return key


def guarded_response(
    request: Request, registry: SqlReader, build: Callable[[], Response], *, key: Hashable = ()
) -> Response:
    """``build()``'s answer, from the cache or computed in a worker within the deadline (see the module).

    Parameters
    ----------
    request : Request
        The request; its path, query and ``Accept-Language`` are part of the cache key.
    registry : SqlReader
        The registry the answer is computed from (its change key invalidates the cache).
    build : callable
        Computes the response; exceptions reach the client as for an unguarded route.
    key : hashable
        More of the cache key, e.g. the request body.
    """
    full_key = (
        request.method,
        request.url.path,
        tuple(sorted(request.query_params.multi_items())),
        request.headers.get("accept-language", ""),
        key,
    )
    return work_limits(request).answer(full_key, change_key=analysis_change_key(registry), build=build)


def analysis_request(request: Request, _slot: None = Depends(expensive_request)) -> None:
    """Dependency of the analyses and analysis maps: a client slot (429 beyond) and a size within the limits (413)."""
    check_analysis_size(request, request.app.state.registry)
