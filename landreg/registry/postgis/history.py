"""The PostGIS history with its delta rows rebuilt, in SQL (see :mod:`landreg.registry.history`).

:func:`rebuilt_versions_sql` selects history rows with every column filled: a snapshot row as
stored; a delta row from its snapshot with the ``after`` records of the deltas up to it
applied in version order (one ``jsonb_object_agg``, later values win) and the newest stored
geometry among them.  Used as a derived table named ``plot_versions``, it answers the same
queries the stored table answered when every row was full.
"""

from __future__ import annotations

from landreg.model.plot import JSON_FIELDS
from landreg.registry.codec import PLOT_COLUMNS
from landreg.registry.history import KEPT_COLUMNS
from landreg.registry.postgis.sql import HIST, quoted

_CASTS = {"REAL": "double precision", "INTEGER": "integer", "BOOLEAN": "integer", "DATE": "date"}
_CASTS |= {"DATETIME": "timestamptz"}


def _column(name: str, sql_type: str, *, json_column: bool) -> str:
    col = quoted(name)
    if name in KEPT_COLUMNS:
        return f"v.{col}"
    value = f"(p.patch->>'{name}')"
    if json_column:
        value += "::jsonb"
    elif sql_type in _CASTS:
        value += f"::{_CASTS[sql_type]}" + ("::boolean" if sql_type == "BOOLEAN" else "")
    return (
        f"CASE WHEN v.base_version IS NULL THEN v.{col} WHEN p.patch ? '{name}' THEN {value} ELSE s.{col} END AS {col}"
    )


def rebuilt_versions_sql(where: str, *, tail: str = "") -> str:
    """SQL selecting the full history rows ``v`` that match ``where`` (about ``v.*``), then ``tail``.

    Parameters
    ----------
    where : str
        A condition on the stored rows, aliased ``v`` (``%s`` placeholders allowed).
    tail : str
        SQL after the condition (e.g. ``ORDER BY v.version DESC LIMIT 1``).

    Returns
    -------
    str
        ``SELECT fid, geom, <plot columns>, <history columns> …`` with the rows rebuilt.
    """
    cols = ", ".join(_column(n, t, json_column=n in JSON_FIELDS) for n, t in PLOT_COLUMNS)
    hist = ", ".join(f"v.{quoted(n)}" for n in HIST)
    return (
        f"SELECT v.fid, CASE WHEN v.base_version IS NULL OR v.geom IS NOT NULL THEN v.geom ELSE g.geom END AS geom, "
        f"{cols}, {hist} FROM plot_versions AS v "
        "LEFT JOIN plot_versions AS s ON s.plot_id = v.plot_id AND s.version = v.base_version "
        "LEFT JOIN LATERAL (SELECT jsonb_object_agg(e.key, e.value ORDER BY r.version) AS patch "
        "FROM plot_versions AS r CROSS JOIN LATERAL jsonb_each(coalesce(r.after, '{}'::jsonb)) AS e "
        "WHERE v.base_version IS NOT NULL AND r.plot_id = v.plot_id AND r.version > v.base_version "
        "AND r.version <= v.version) AS p ON TRUE "
        "LEFT JOIN LATERAL (SELECT r.geom FROM plot_versions AS r WHERE v.base_version IS NOT NULL "
        "AND v.geom IS NULL AND r.plot_id = v.plot_id AND r.version >= v.base_version AND r.version <= v.version "
        "AND r.geom IS NOT NULL ORDER BY r.version DESC LIMIT 1) AS g ON TRUE "
        f"WHERE {where} {tail}"
    )
