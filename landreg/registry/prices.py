"""Dated price observations of plots (asking and transaction prices)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from landreg.errors import Problem, ValidationError
from landreg.gpkg.connection import write_transaction
from landreg.model.plot import PriceObservation
from landreg.registry._state import RegistryState
from landreg.registry.codec import is_missing
from landreg.registry.tables import PRICE_COLUMNS, PRICES

_INSERT = (
    f'INSERT INTO "{PRICES}" ({", ".join(n for n, _ in PRICE_COLUMNS)}) VALUES ({", ".join("?" * len(PRICE_COLUMNS))})'
)


def _row(plot_id: str, o: PriceObservation, now_text: str, actor: str) -> tuple[Any, ...]:
    fees = None if o.connection_fees_included is None else int(o.connection_fees_included)
    return (
        plot_id,
        o.observed_on.isoformat(),
        o.kind.value,
        o.price_nok_m2,
        o.basis.value,
        fees,
        o.source,
        now_text,
        actor,
    )


class PriceStore(RegistryState):
    """Price-history methods of the GeoPackage registry (mixed into it)."""

    def add_price_observations(
        self, plot_id: str, observations: Sequence[PriceObservation | Mapping[str, Any]], *, actor: str
    ) -> int:
        """Append dated prices to a plot's price history; returns how many were added."""
        obs = [o if isinstance(o, PriceObservation) else PriceObservation.model_validate(o) for o in observations]
        with self._lock, write_transaction(self._conn):
            self._read_current(plot_id)
            _, now_text = self._transaction_time()
            self._conn.executemany(_INSERT, [_row(plot_id, o, now_text, actor) for o in obs])
        return len(obs)

    def add_price_table(self, table: pd.DataFrame, *, actor: str) -> int:
        """Append many price observations at once (columns of :class:`PriceObservation` plus ``plot_id``)."""
        records = table.to_dict(orient="records")
        problems: list[Problem] = []
        rows = []
        with self._lock, write_transaction(self._conn):
            _, now_text = self._transaction_time()
            known = self._existing_ids(sorted({r["plot_id"] for r in records}))
            for i, rec in enumerate(records):
                pid = rec.pop("plot_id")
                if pid not in known:
                    problems.append(Problem(f"row {i + 1}", "plot_id", f"no plot with id {pid!r}"))
                    continue
                try:
                    o = PriceObservation.model_validate({k: v for k, v in rec.items() if not is_missing(v)})
                except Exception as exc:  # pydantic.ValidationError
                    problems.append(Problem(f"row {i + 1}", "price", str(exc).splitlines()[0]))
                    continue
                rows.append(_row(pid, o, now_text, actor))
            if problems:
                raise ValidationError(problems, context="prices")
            self._conn.executemany(_INSERT, rows)
        return len(rows)

    def price_history(self, plot_id: str | None = None) -> pd.DataFrame:
        """Dated price observations (all plots, or one), oldest first.

        ``connection_fees_included`` is a pandas ``"boolean"`` column: True, False, or
        ``pd.NA`` where the treatment of connection fees is unknown (stored NULL).
        """
        cols = [n for n, _ in PRICE_COLUMNS]
        sql = f'SELECT {", ".join(cols)} FROM "{PRICES}"'
        params: tuple[Any, ...] = ()
        if plot_id is not None:
            sql += " WHERE plot_id = ?"
            params = (plot_id,)
        with self._lock:
            rows = self._conn.execute(sql + " ORDER BY plot_id, observed_on, fid", params).fetchall()
        fees_at = cols.index("connection_fees_included")
        # Read the flag from the SQL rows, not from the frame: a column of 0/1/NULL becomes float there,
        # and NULL (unknown) would turn into NaN, which bool() reads as True.
        fees = pd.array([None if r[fees_at] is None else bool(r[fees_at]) for r in rows], dtype="boolean")
        frame = pd.DataFrame(rows, columns=cols)
        frame["connection_fees_included"] = fees
        return frame
