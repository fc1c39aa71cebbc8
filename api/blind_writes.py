"""Writes without If-Match that cannot lose another client's change unnoticed.

A client that never sends ``If-Match`` (QGIS 3.22) still reads a plot before it changes it. The
service remembers, per bearer token and plot, the version that token last read (a GET of the item,
a page of items, or the answer to its own write). A write without ``If-Match`` is then based on that
version:

* nothing changed since the read: the write goes through, as with ``If-Match``;
* the plot changed since the read and the write would overwrite that change (a PUT or DELETE, or
  a PATCH of a field or geometry that changed since): 428, the client must read again or send
  ``If-Match``; nothing is written;
* a PATCH of fields nobody changed since the read goes through: it applies only the fields sent;
* no read recorded for the token (another process, or the log forgot it): the write is based on the
  current version, as before.

``LANDREG_API_ALLOW_BLIND_OVERWRITE=true`` turns the check off (the last writer wins).

The log lives in the memory of the service's process and holds at most ``max_entries`` pairs (the
least recently used are forgotten first).
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pandas as pd
from fastapi import Request

from api.errors import PreconditionFailedError, PreconditionRequiredError
from landreg.errors import VersionConflictError
from landreg.registry.base import PlotStore
from landreg.tokens import AuthenticationError


class ReadLog:
    """The version of each plot each bearer token last read, bounded, safe across threads.

    Parameters
    ----------
    max_entries : int
        Pairs (token, plot) kept; the least recently used are forgotten beyond it.
    """

    def __init__(self, *, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self._versions: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._lock = threading.Lock()

    def record(self, token_key: str, plot_versions: Iterable[tuple[str, int]]) -> None:
        """Remember that ``token_key`` read each ``(plot_id, version)``."""
        with self._lock:
            for plot_id, version in plot_versions:
                key = (token_key, str(plot_id))
                self._versions[key] = int(version)
                self._versions.move_to_end(key)
            while len(self._versions) > self.max_entries:
                self._versions.popitem(last=False)

    def last_read(self, token_key: str, plot_id: str) -> int | None:
        """The version of ``plot_id`` that ``token_key`` last read, or None when none is recorded."""
        with self._lock:
            return self._versions.get((token_key, str(plot_id)))


def _bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else ""
    return token or None


def token_key(request: Request) -> str | None:
    """A digest of the request's bearer token (the token itself is never kept), or None without one."""
    token = _bearer_token(request)
    return None if token is None else hashlib.sha256(token.encode()).hexdigest()


def record_read(request: Request, features: Iterable[Mapping[str, Any]]) -> None:
    """Remember the versions of the plot features a request with a valid bearer token was answered with.

    Reads with an unknown or revoked token are not remembered, so made-up tokens cannot crowd the
    reads of real ones out of the bounded log.
    """
    key = token_key(request)
    if key is None:
        return
    try:
        request.app.state.registry.authenticate(_bearer_token(request))
    except AuthenticationError:
        return
    pairs = []
    for feature in features:
        version = (feature.get("properties") or {}).get("version")
        if feature.get("id") is not None and isinstance(version, int | float) and math.isfinite(version):
            pairs.append((str(feature["id"]), int(version)))
    request.app.state.read_log.record(key, pairs)


def blind_write_base(request: Request, current: Any, *, registry: PlotStore, changed: Iterable[str] | None) -> int:
    """The version a write without If-Match is based on; 428 when it would overwrite an unseen change.

    Parameters
    ----------
    request : Request
        The write (its bearer token identifies the reader).
    current : Plot
        The plot as stored now.
    registry : PlotStore
        For the plot's history (the version the writer read).
    changed : iterable of str, optional
        The fields a PATCH sends (``"geometry"`` for its geometry); None for a write that
        replaces or ends the whole plot.
    """
    key = token_key(request)
    read = None if key is None else request.app.state.read_log.last_read(key, current.plot_id)
    if read is None or read == int(current.version):
        return int(current.version)
    if changed is not None:
        overwritten = _changed_since(registry, current, read_version=read, fields=changed)
        if not overwritten:
            return int(current.version)  # a PATCH of fields nobody changed since the read
        what = ", ".join(overwritten)
    else:
        what = "the whole plot"
    raise PreconditionRequiredError(
        f"plot {current.plot_id} changed since you last read it (you read version {read}, it is now at version "
        f"{current.version}); this write would overwrite {what}. Nothing was written: read the plot again and "
        "redo the change, or send If-Match with the ETag of the version it is based on"
    )


def _changed_since(registry: PlotStore, current: Any, *, read_version: int, fields: Iterable[str]) -> list[str]:
    """The ``fields`` whose stored value differs between ``read_version`` and the current version."""
    history = registry.plot_history(current.plot_id)
    rows = history[history["version"] == read_version]
    if rows.empty:
        return sorted(set(fields))  # the version read is unknown: assume everything changed
    then = rows.iloc[0]
    now = history[history["version"] == int(current.version)]
    if now.empty:
        return sorted(set(fields))
    latest = now.iloc[0]
    return sorted(f for f in set(fields) if f in history.columns and not _same(then[f], latest[f]))


def _same(a: Any, b: Any) -> bool:
    """Whether two stored values are equal (missing equals missing; geometries compared as shapes)."""
    if _missing(a) or _missing(b):
        return _missing(a) and _missing(b)
    if hasattr(a, "geom_type"):
        return bool(a.equals(b))
    try:
        return bool(a == b)
    except (TypeError, ValueError):  # arrays and other values without a single truth
        return repr(a) == repr(b)


def _missing(value: Any) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


@contextmanager
def precondition_on_race(request: Request) -> Iterator[None]:
    """Turn a version conflict met by a write after its precondition check into that precondition's failure.

    With If-Match the write's precondition failed: 412. Without it, the plot changed since the
    version the write was based on: 428, as when the check itself finds the change.
    """
    try:
        yield
    except VersionConflictError as exc:
        if request.headers.get("if-match") is not None:
            raise PreconditionFailedError(
                f"{exc}; the If-Match precondition no longer holds, nothing was written"
            ) from exc
        raise PreconditionRequiredError(
            f"{exc}; nothing was written: read the plot again and redo the change, or send If-Match"
        ) from exc
