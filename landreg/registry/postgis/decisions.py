"""Recording decisions in PostGIS: the storage steps of :class:`~landreg.registry.decisions.DecisionRules`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from landreg.model.enums import DecisionStatus
from landreg.registry.codec import to_storage_value
from landreg.registry.decisions import LOG_NAMES, DecisionRules

_CASTS = {"recorded_at": "%s::timestamptz", "decided_on": "%s::date", "plots": "%s::jsonb"}


class PostGISDecisions(DecisionRules):
    """Decision outcomes and their log in PostgreSQL."""

    if TYPE_CHECKING:

        def _connection(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _write_transaction(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

    @contextmanager
    def _decision_write(self) -> Iterator[None]:
        with self._write_transaction():
            yield

    def _decision_log_rows(self, decision_id: str | None, *, last_decided: bool = False) -> list[tuple[Any, ...]]:
        """Log rows (oldest first, stored text) of one decision or all; ``last_decided``: the last leaving pending."""
        sql = f"SELECT {', '.join(LOG_NAMES)} FROM decision_log"
        clauses, args = [], []
        if decision_id is not None:
            clauses.append("decision_id = %s")
            args.append(decision_id)
        if last_decided:
            clauses.append("status_before = %s AND status = %s")
            args += [DecisionStatus.PENDING.value, DecisionStatus.DECIDED.value]
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY fid DESC LIMIT 1" if last_decided else " ORDER BY fid"
        with self._connection() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_stored(row) for row in rows]

    def _decision_plot_ids(self, decision_id: str) -> list[str]:
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT plot_id FROM plots WHERE decision_id = %s AND valid_to IS NULL ORDER BY code", (decision_id,)
            ).fetchall()
        return [r[0] for r in rows]

    def _store_decision_state(
        self, decision_id: str, *, status: str, outcome: str | None, decided_on: str | None
    ) -> None:
        with self._connection() as conn:
            conn.execute(
                "UPDATE decisions SET status = %s, outcome = %s, decided_on = %s::date WHERE decision_id = %s",
                (status, outcome, decided_on, decision_id),
            )

    def _append_decision_log(self, values: tuple[Any, ...]) -> None:
        placeholders = ", ".join(_CASTS.get(n, "%s") for n in LOG_NAMES)
        with self._connection() as conn:
            conn.execute(f"INSERT INTO decision_log ({', '.join(LOG_NAMES)}) VALUES ({placeholders})", values)


def _stored(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A log row with times and dates as the GeoPackage backend stores them, ``plots`` as JSON text."""
    out = []
    for name, value in zip(LOG_NAMES, row, strict=True):
        if name == "plots":
            value = json.dumps(value, separators=(",", ":"))
        elif name == "recorded_at" and value is not None:
            value = to_storage_value("updated_at", value)
        elif name == "decided_on" and value is not None:
            value = value.isoformat()
        out.append(value)
    return tuple(out)
