"""Dated changes of plots from a layer: each plot is added as it was before its first change, then changed.

A ``plot_changes`` table holds one row per change: ``plot_id``, ``changed_on`` (ISO date),
``before`` (JSON object: the values of the changed fields before the change), ``source`` and
``note``.  The plots layer holds every plot as it is now.  :func:`plots_before_changes` gives
the plots as they were before their first change; :func:`apply_plot_changes` then records each
change through the registry, in date order, with the provenance of each changed field dated
``changed_on`` (so the uptake of :mod:`landreg.indicators` dates a sale by it, not by the day the
registry was built).  A change whose source is ``"synthetic"`` is marked synthetic like every
other generated value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from landreg.errors import ConfigurationError
from landreg.registry.query import PlotQuery

if TYPE_CHECKING:
    from landreg.registry.base import EditablePlotStore

#: Columns of a ``plot_changes`` table.
CHANGE_COLUMNS: tuple[str, ...] = ("plot_id", "changed_on", "before", "source", "note")


def read_plot_changes(table: pd.DataFrame, *, layer_id: str) -> pd.DataFrame:
    """The changes of a ``plot_changes`` table, checked, ``before`` parsed, in date order.

    Parameters
    ----------
    table : DataFrame
        The layer's rows (columns :data:`CHANGE_COLUMNS`).
    layer_id : str
        For messages.

    Returns
    -------
    DataFrame

    Raises
    ------
    ConfigurationError
        When a column is missing, a date is not ISO 8601 or ``before`` is no JSON object.
    """
    missing = [c for c in CHANGE_COLUMNS if c not in table.columns]
    if missing:
        raise ConfigurationError(f"layer {layer_id!r}: the plot changes lack column(s) {missing}")
    rows = []
    for i, rec in enumerate(table[list(CHANGE_COLUMNS)].to_dict(orient="records")):
        where = f"layer {layer_id!r}, row {i + 1}"
        try:
            day = pd.Timestamp(str(rec["changed_on"])).date()
        except ValueError:
            raise ConfigurationError(f"{where}: changed_on {rec['changed_on']!r} is not a date (YYYY-MM-DD)") from None
        before = json.loads(rec["before"]) if isinstance(rec["before"], str) else rec["before"]
        if not isinstance(before, Mapping) or not before:
            raise ConfigurationError(
                f"{where}: 'before' must be a JSON object of field -> value, got {rec['before']!r}"
            )
        note = rec["note"] if isinstance(rec["note"], str) else None
        source = rec["source"] if isinstance(rec["source"], str) and rec["source"] else None
        if source is None:
            raise ConfigurationError(f"{where}: a change needs its source")
        rows.append(
            {"plot_id": str(rec["plot_id"]), "changed_on": day, "before": dict(before), "source": source, "note": note}
        )
    out = pd.DataFrame(rows, columns=list(CHANGE_COLUMNS))
    return out.sort_values(["changed_on", "plot_id"], kind="stable").reset_index(drop=True)


def plots_before_changes(plots: gpd.GeoDataFrame, changes: pd.DataFrame) -> gpd.GeoDataFrame:
    """The plots as they were before their changes (each field's value before the first change of it).

    Raises
    ------
    ConfigurationError
        When a change names a plot that is not in ``plots``.
    """
    out = plots.copy()
    position = {pid: i for i, pid in enumerate(out["plot_id"].astype(str))}
    unknown = sorted(set(changes["plot_id"]) - set(position))
    if unknown:
        raise ConfigurationError(f"the plot changes name plots the plots layer does not hold: {unknown[:5]}")
    for pid, group in changes.groupby("plot_id", sort=False):
        if "last_verified" in out.columns:  # the layer's date verifies the plot as it is now, after its changes
            out.iat[position[str(pid)], out.columns.get_loc("last_verified")] = None
        first: dict[str, Any] = {}
        for before in group["before"]:  # each field as it was before the first change of it
            first |= {k: v for k, v in before.items() if k not in first}
        for field, value in first.items():
            if field not in out.columns:
                raise ConfigurationError(f"the change of plot {pid!r} sets {field!r}, which is not a plot field")
            col = out.columns.get_loc(field)
            out.iat[position[str(pid)], col] = _as_cell(value, out[field])
    return out


def apply_plot_changes(
    registry: EditablePlotStore, plots: gpd.GeoDataFrame, changes: pd.DataFrame, *, actor: str
) -> int:
    """Record each change on the registry in date order, in one transaction; returns how many were recorded.

    Parameters
    ----------
    registry : EditablePlotStore
        Holding the plots as :func:`plots_before_changes` gave them.
    plots : GeoDataFrame
        The plots as they are now (the plots layer): the values after a plot's last change.
    changes : DataFrame
        From :func:`read_plot_changes`.
    actor : str
        Recorded in the history.
    """
    now = plots.set_index(plots["plot_id"].astype(str))
    # the values after a change: the "before" of the plot's next change of that field, else today's value
    following: dict[tuple[str, str], list[Any]] = {}
    for rec in changes.itertuples():
        for field in rec.before:
            following.setdefault((rec.plot_id, field), []).append(rec.before[field])
    stored = registry.query_plots(PlotQuery(plot_ids=tuple(changes["plot_id"].unique())))
    version = dict(zip(stored["plot_id"].astype(str), stored["version"].astype(int), strict=True))
    last_change = {pid: int(i) for i, pid in zip(changes.index, changes["plot_id"], strict=True)}
    n = 0
    with registry.transaction():
        for rec in changes.itertuples():
            values = {}
            for field in rec.before:
                queue = following[(rec.plot_id, field)]
                queue.pop(0)
                values[field] = queue[0] if queue else _plain(now.at[rec.plot_id, field])
            entry = {"source": rec.source, "date": rec.changed_on.isoformat()}
            note = rec.note if isinstance(rec.note, str) and rec.note else None
            if note:
                entry["note"] = note
            values["provenance"] = {field: entry for field in rec.before}
            last = rec.Index == last_change[rec.plot_id]
            # verified on the day of each change; after the last one, as the plots layer says
            layer_date = _plain(now.at[rec.plot_id, "last_verified"]) if "last_verified" in now.columns else None
            values["last_verified"] = (layer_date if last else None) or rec.changed_on.isoformat()
            plot = registry.update_plot(
                rec.plot_id, values, expected_version=version[rec.plot_id], actor=actor, note=note
            )
            version[rec.plot_id] = plot.version
            n += 1
    return n


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str) and value[:1] in "[{":
        return json.loads(value)
    return value


def _as_cell(value: Any, column: pd.Series) -> Any:
    """A ``before`` value in the form of the plots layer's column (JSON fields as JSON text)."""
    if isinstance(value, list | dict) and column.map(lambda v: isinstance(v, str)).any():
        return json.dumps(value, ensure_ascii=False)
    return value
