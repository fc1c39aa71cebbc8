"""Recording a decision's outcome in the registry (mixed into it).

A decision locks plots (``status = locked``, ``decision_id`` naming it).  Recording
its outcome writes, in one transaction:

* a new version of every affected plot (status from the outcome), with the actor
  and a note naming the decision, the outcome and the date;
* the decision's ``status``, ``outcome`` and ``decided_on``;
* a row in ``decision_log`` with the state before and every plot's status before
  and after.

A later decision (another outcome, or ``pending`` to reopen it) starts from the
plots' statuses before the decision was first taken, read from that log (a plot
split or merged since takes its parent's), so it restores the earlier state as
new versions; history is never rewritten.  A
plot changed by someone else since the last decision is left as it is and
reported.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from landreg.errors import EntityNotFoundError, UnknownOutcomeError
from landreg.gpkg.connection import write_transaction
from landreg.model.entities import Decision
from landreg.model.enums import ChangeOp, DecisionStatus, PlotStatus
from landreg.model.plot import Plot
from landreg.registry._state import RegistryState
from landreg.registry.tables import DECISION_COLUMNS, DECISIONS, PLOTS

DECISION_LOG = "decision_log"
REOPEN = "pending"
_LOG_COLUMNS = (
    "decision_id TEXT NOT NULL",
    "recorded_at DATETIME NOT NULL",
    "actor TEXT NOT NULL",
    "status_before TEXT NOT NULL",
    "outcome_before TEXT",
    "status TEXT NOT NULL",
    "outcome TEXT",
    "decided_on DATE",
    "note TEXT",
    "plots TEXT NOT NULL",
)
#: Column names of the decision log, in order.
LOG_NAMES = [c.split()[0] for c in _LOG_COLUMNS]


@dataclass
class DecisionResult:
    """What recording a decision did.

    Attributes
    ----------
    decision : Decision
        The decision as stored afterwards.
    changed : dict
        Plot code -> (status before, status after) for the plots given a new version.
    skipped : dict
        Plot code -> why it was left as it is.
    adds_destinations, removes_destinations : list of str
        Destinations the enrichment now routes to, or no longer does.
    """

    decision: Decision
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    adds_destinations: list[str] = field(default_factory=list)
    removes_destinations: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready record."""
        return {
            "decision": self.decision.model_dump(mode="json"),
            "changed": {k: {"before": a, "after": b} for k, (a, b) in self.changed.items()},
            "skipped": self.skipped,
            "adds_destinations": self.adds_destinations,
            "removes_destinations": self.removes_destinations,
        }

    def to_text(self) -> str:
        """A short report for the terminal."""
        d = self.decision
        head = f"{d.title} ({d.decision_id}): {d.status}" + (
            f", outcome {d.outcome} on {d.decided_on}" if d.outcome else ""
        )
        lines = [head, f"{len(self.changed)} plot(s) changed status"]
        lines += [f"  {code}: {a} -> {b}" for code, (a, b) in sorted(self.changed.items())]
        lines += [f"  {code} left as it is: {why}" for code, why in sorted(self.skipped.items())]
        if self.adds_destinations or self.removes_destinations:
            lines.append(f"destinations built {self.adds_destinations}, removed {self.removes_destinations}")
        return "\n".join(lines)


def table_columns(conn: sqlite3.Connection, table: str) -> set[str]:
    """Column names of ``table``."""
    return {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}


def ensure_decision_columns(conn: sqlite3.Connection) -> None:
    """Add decision columns missing from a registry made by an older landreg (inside a write transaction)."""
    have = table_columns(conn, DECISIONS)
    for name, sql_type in DECISION_COLUMNS:
        if name not in have:
            conn.execute(f'ALTER TABLE "{DECISIONS}" ADD COLUMN "{name}" {sql_type}')


def _ensure_log(conn: sqlite3.Connection) -> None:
    conn.execute(
        f'CREATE TABLE IF NOT EXISTS "{DECISION_LOG}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
        + ", ".join(_LOG_COLUMNS)
        + ")"
    )
    conn.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description) "
        "VALUES (?, 'attributes', ?, 'Decisions taken: state before and after, plot statuses')",
        (DECISION_LOG, DECISION_LOG),
    )


def _target(base: str, outcome_status: str | None) -> str:
    """A plot's status under an outcome: locked plots take the outcome's status, others keep theirs."""
    return outcome_status if outcome_status is not None and base == PlotStatus.LOCKED.value else base


class DecisionRules:
    """Recording decisions and reading their log, whatever the store (mixed into a registry backend).

    A backend provides the storage steps: ``_decision_write`` (one write transaction),
    ``_decision_log_rows``, ``_decision_plot_ids``, ``_store_decision_state`` and
    ``_append_decision_log``, besides the plot steps of :class:`~landreg.registry.writes.PlotWrites`.
    """

    if TYPE_CHECKING:  # the storage steps each backend provides

        def _decision_write(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _decision_log_rows(self, decision_id: str | None, *, last_decided: bool = False) -> list[tuple[Any, ...]]:
            raise NotImplementedError

        def _decision_plot_ids(self, decision_id: str) -> list[str]:
            raise NotImplementedError

        def _store_decision_state(
            self, decision_id: str, *, status: str, outcome: str | None, decided_on: str | None
        ) -> None:
            raise NotImplementedError

        def _append_decision_log(self, values: tuple[Any, ...]) -> None:
            raise NotImplementedError

        def load_decisions(self) -> list[Decision]:
            """Every decision in the registry (the backend's entity store)."""
            raise NotImplementedError

        def _read_current(self, plot_id: str) -> Plot:
            raise NotImplementedError

        def _transaction_time(self) -> tuple[dt.datetime, str]:
            raise NotImplementedError

        def _new_version(
            self,
            plot: Plot,
            new: dict[str, Any],
            geom: Any,
            *,
            op: ChangeOp,
            actor: str,
            now_text: str,
            note: str | None = None,
        ) -> None:
            raise NotImplementedError

    def decision_log(self, decision_id: str | None = None) -> list[dict[str, Any]]:
        """Decisions taken, oldest first (optionally for one decision)."""
        out = [dict(zip(LOG_NAMES, row, strict=True)) for row in self._decision_log_rows(decision_id)]
        for rec in out:
            rec["plots"] = json.loads(rec["plots"])
        return out

    def record_decision(
        self,
        decision_id: str,
        *,
        outcome: str,
        decided_on: dt.date,
        actor: str,
        note: str | None = None,
    ) -> DecisionResult:
        """Apply a decision's outcome to the registry (or reopen it with ``outcome="pending"``).

        Parameters
        ----------
        decision_id : str
            Id of the decision.
        outcome : str
            One of the decision's outcome names, or ``"pending"`` to reopen it.
        decided_on : date
            When the decision was taken (recorded on the decision and in each plot version's note).
        actor : str
            Who records it (history).
        note : str, optional
            Added to each plot version's note.

        Returns
        -------
        DecisionResult

        Raises
        ------
        EntityNotFoundError
            When no decision has this id.
        UnknownOutcomeError
            When ``outcome`` is neither an outcome of the decision nor ``pending``.
        """
        with self._decision_write():
            known = {d.decision_id: d for d in self.load_decisions()}
            if decision_id not in known:
                raise EntityNotFoundError(f"no decision with id {decision_id!r}; the registry has {sorted(known)}")
            dec = known[decision_id]
            by_name = {o.name: o for o in dec.outcomes}
            if outcome != REOPEN and outcome not in by_name:
                raise UnknownOutcomeError(decision_id, outcome, [*by_name, REOPEN])
            new_outcome = by_name.get(outcome)
            old_outcome = by_name.get(dec.outcome or "") if dec.status is DecisionStatus.DECIDED else None
            base = self._base_statuses(decision_id) if old_outcome is not None else {}
            now, now_text = self._transaction_time()
            text = f"decision {decision_id}: {outcome} on {decided_on.isoformat()}" + (f" ({note})" if note else "")
            result = DecisionResult(decision=dec)
            plots_log: dict[str, list[str]] = {}
            for plot in self._decision_plots(decision_id):
                current = str(plot.status)
                start = _start_status(plot, base, current)
                expected = _target(start, None if old_outcome is None else _status(old_outcome.plot_status))
                if current != expected:
                    result.skipped[plot.code] = (
                        f"status is {current!r}, not {expected!r} as the last decision left it (edited since)"
                    )
                    continue
                wanted = _target(start, None if new_outcome is None else _status(new_outcome.plot_status))
                plots_log[plot.plot_id] = [start, current, wanted]
                if wanted == current:
                    continue
                new = plot.model_dump(exclude={"geometry"})
                new.update(status=wanted, version=plot.version + 1, updated_at=now, updated_by=actor)
                self._new_version(
                    plot, new, plot.geometry, op=ChangeOp.UPDATE, actor=actor, now_text=now_text, note=text
                )
                result.changed[plot.code] = (current, wanted)
            status = DecisionStatus.PENDING if new_outcome is None else DecisionStatus.DECIDED
            self._store_decision_state(
                decision_id,
                status=status.value,
                outcome=None if new_outcome is None else outcome,
                decided_on=None if new_outcome is None else decided_on.isoformat(),
            )
            self._append_decision_log(
                (
                    decision_id,
                    now_text,
                    actor,
                    dec.status.value,
                    dec.outcome,
                    status.value,
                    None if new_outcome is None else outcome,
                    decided_on.isoformat(),
                    note,
                    json.dumps(plots_log, separators=(",", ":")),
                )
            )
            result.decision = next(d for d in self.load_decisions() if d.decision_id == decision_id)
        if new_outcome is not None:
            result.adds_destinations = list(new_outcome.adds_destinations)
            result.removes_destinations = list(new_outcome.removes_destinations)
        return result

    def _decision_plots(self, decision_id: str) -> list[Plot]:
        return [self._read_current(pid) for pid in self._decision_plot_ids(decision_id)]

    def _base_statuses(self, decision_id: str) -> dict[str, str]:
        """Each plot's status before the decision was taken (the log entry that left ``pending``)."""
        rows = self._decision_log_rows(decision_id, last_decided=True)
        if not rows:
            return {}
        plots = json.loads(rows[-1][LOG_NAMES.index("plots")])
        return {pid: entry[0] for pid, entry in plots.items()}


class DecisionWrites(DecisionRules, RegistryState):
    """The GeoPackage storage steps of :class:`DecisionRules`."""

    @contextmanager
    def _decision_write(self) -> Iterator[None]:
        with self._lock, write_transaction(self._conn):
            ensure_decision_columns(self._conn)
            _ensure_log(self._conn)
            yield

    def _decision_log_rows(self, decision_id: str | None, *, last_decided: bool = False) -> list[tuple[Any, ...]]:
        """Log rows (oldest first) of one decision or all; with ``last_decided`` only the last that left pending."""
        with self._lock:
            tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if DECISION_LOG not in tables:
                return []
            sql = f'SELECT {", ".join(LOG_NAMES)} FROM "{DECISION_LOG}"'
            clauses, args = [], []
            if decision_id is not None:
                clauses.append("decision_id = ?")
                args.append(decision_id)
            if last_decided:
                clauses.append("status_before = ? AND status = ?")
                args += [DecisionStatus.PENDING.value, DecisionStatus.DECIDED.value]
            if clauses:
                sql += " WHERE " + " AND ".join(clauses)
            rows = self._conn.execute(sql + " ORDER BY fid", args).fetchall()
        return rows[-1:] if last_decided else rows

    def _decision_plot_ids(self, decision_id: str) -> list[str]:
        rows = self._conn.execute(
            f'SELECT plot_id FROM "{PLOTS}" WHERE decision_id = ? AND valid_to IS NULL ORDER BY code', (decision_id,)
        )
        return [r[0] for r in rows]

    def _store_decision_state(
        self, decision_id: str, *, status: str, outcome: str | None, decided_on: str | None
    ) -> None:
        self._conn.execute(
            f'UPDATE "{DECISIONS}" SET status = ?, outcome = ?, decided_on = ? WHERE decision_id = ?',
            (status, outcome, decided_on, decision_id),
        )

    def _append_decision_log(self, values: tuple[Any, ...]) -> None:
        self._conn.execute(
            f'INSERT INTO "{DECISION_LOG}" ({", ".join(LOG_NAMES)}) VALUES ({", ".join("?" * len(LOG_NAMES))})',
            values,
        )


def _start_status(plot: Plot, base: dict[str, str], current: str) -> str:
    """A plot's status before the decision: logged for it, else for the plot it was split or merged from."""
    if plot.plot_id in base:
        return base[plot.plot_id]
    for parent in plot.previously_part_of or []:
        if parent in base:
            return base[parent]
    return current


def _status(value: PlotStatus | None) -> str | None:
    return None if value is None else str(value)


def decided_destinations(decisions: Sequence[Decision]) -> tuple[list[str], list[str]]:
    """Destination ids built and removed by the decided decisions' outcomes."""
    adds: list[str] = []
    removes: list[str] = []
    for d in decisions:
        if d.status is not DecisionStatus.DECIDED or d.outcome is None:
            continue
        for o in d.outcomes:
            if o.name == d.outcome:
                adds += o.adds_destinations
                removes += o.removes_destinations
    return adds, removes
