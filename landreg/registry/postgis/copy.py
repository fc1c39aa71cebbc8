"""Copying a whole registry between GeoPackage and PostGIS (``landreg db copy``), verified by counts and checksums.

Everything is copied as stored, in one transaction: plots with their ids, versions and
times, every history row, prices, business areas, decisions and their log, road projects, tokens
(hashed), enrichment, and the saved searches with the sites announced to them and their outbox
(:mod:`landreg.registry.postgis.copy_alerts`).  Afterwards each table's row count and a checksum
over its rows (geometry as WKB, values in the registry's storage form, JSON with sorted keys) are
computed on both sides and must agree; otherwise the copy is rolled back.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import shapely

from landreg.errors import CopyError
from landreg.gpkg.geometry import decode_geometries
from landreg.model.plot import JSON_FIELDS
from landreg.registry.codec import format_datetime
from landreg.registry.decisions import DECISION_LOG, LOG_NAMES
from landreg.registry.derived import ENRICHMENT
from landreg.registry.postgis.copy_alerts import (
    ALERT_COLUMNS,
    gpkg_alert_rows,
    insert_alert_rows_gpkg,
    insert_alert_rows_postgis,
    postgis_alert_rows,
)
from landreg.registry.postgis.registry import _INSERT_PLOT, _INSERT_VERSION, PostGISRegistry
from landreg.registry.postgis.sql import COLS, HIST, compact_json, stored_param, stored_select
from landreg.registry.tables import PRICE_COLUMNS
from landreg.tokens import TOKENS

_PRICE_NAMES = [n for n, _ in PRICE_COLUMNS]
_TOKEN_NAMES = ["token_id", "name", "role", "municipalities", "secret_sha256", "created_at", "revoked_at"]
_JSON = set(JSON_FIELDS) | {"changed_fields", "before", "after", "plots", "municipalities"}


@dataclass(frozen=True)
class TableCheck:
    """Rows and checksum of one table on both sides of a copy."""

    table: str
    rows: int
    checksum: str


def copy_gpkg_to_postgis(source: Any, target: PostGISRegistry) -> list[TableCheck]:
    """Copy the GeoPackage registry ``source`` into the empty PostGIS registry ``target``.

    Parameters
    ----------
    source : GeoPackageRegistry
        The registry to copy (read only).
    target : PostGISRegistry
        An empty registry (``landreg db upgrade`` made it).

    Returns
    -------
    list of TableCheck
        Each table's row count and checksum, equal on both sides.

    Raises
    ------
    CopyError
        When the target holds plots already, or a table's count or checksum differs after the
        copy; nothing is written then.
    """
    if target.count_plots(include_ended=True):
        raise CopyError(f"the registry at {target.label} is not empty; copy into a new schema (?schema=name)")
    src = source._conn
    with target._write_transaction() as conn, conn.cursor() as cur:
        for table, insert, names in (("plots", _INSERT_PLOT, COLS), ("plot_versions", _INSERT_VERSION, COLS + HIST)):
            rows = src.execute(f'SELECT geom, {", ".join(names)} FROM "{table}" ORDER BY fid').fetchall()
            wkbs = _wkbs(rows)
            cur.executemany(
                insert,
                [
                    [w] + [stored_param(n, v) for n, v in zip(names, r[1:], strict=True)]
                    for w, r in zip(wkbs, rows, strict=True)
                ],
            )
        prices = src.execute(f'SELECT {", ".join(_PRICE_NAMES)} FROM "plot_prices" ORDER BY fid').fetchall()
        fees = _PRICE_NAMES.index("connection_fees_included")
        target._insert_prices([_price(r, fees) for r in prices])
        target.save_business_areas(source.load_business_areas())
        target.save_road_projects(source.load_road_projects(include_cancelled=True))
        target.save_decisions(source.load_decisions())
        for row in source._decision_log_rows(None):
            target._append_decision_log(tuple(row))
        if _has_table(src, TOKENS):
            values = ", ".join({"municipalities": "%s::jsonb"}.get(n, "%s") for n in _TOKEN_NAMES)
            cur.executemany(
                f"INSERT INTO landreg_tokens ({', '.join(_TOKEN_NAMES)}) VALUES ({values})",
                src.execute(f'SELECT {", ".join(_TOKEN_NAMES)} FROM "{TOKENS}" ORDER BY fid').fetchall(),
            )
        if _has_table(src, ENRICHMENT):
            types = [(r[1], r[2]) for r in src.execute(f'PRAGMA table_info("{ENRICHMENT}")').fetchall()]
            cur.executemany(
                "INSERT INTO plot_enrichment_columns (name, sql_type) VALUES (%s, %s)",
                [
                    (n, t)
                    for n, t in types
                    if n not in ("fid", "plot_id", "plot_version", "computed_at", "layer_versions")
                ],
            )
            target.save_enrichment(source.load_enrichment())
        insert_alert_rows_postgis(cur, gpkg_alert_rows(src))
        mine, theirs = gpkg_checksums(source), postgis_checksums(target)
        if mine != theirs:
            differ = [a.table for a, b in zip(mine, theirs, strict=True) if a != b]
            raise CopyError(f"the copy does not match its source in {differ}; nothing was written")
    return mine


def copy_postgis_to_gpkg(source: PostGISRegistry, target: Any) -> list[TableCheck]:
    """Copy the PostGIS registry ``source`` into the new, empty GeoPackage registry ``target``.

    Parameters
    ----------
    source : PostGISRegistry
        The registry to copy (read only).
    target : GeoPackageRegistry
        An empty registry file (``GeoPackageRegistry.create``).

    Returns
    -------
    list of TableCheck
        Each table's row count and checksum, equal on both sides.

    Raises
    ------
    CopyError
        When the target holds plots already, or a table differs after the copy; nothing is written then.
    """
    from landreg.gpkg.connection import write_transaction
    from landreg.gpkg.geometry import encode_geometries
    from landreg.gpkg.schema import update_contents_extent
    from landreg.registry import gpkg, prices
    from landreg.tokens import _ensure_table as ensure_token_table

    if target.count_plots(include_ended=True):
        raise CopyError(f"the registry {target.path} is not empty; copy into a new file")
    dst = target._conn
    with target._lock, write_transaction(dst), source._connection() as conn:
        for table, insert, names in (
            ("plots", gpkg._INSERT_PLOT, COLS),
            ("plot_versions", gpkg._INSERT_VERSION, COLS + HIST),
        ):
            rows = conn.execute(f"SELECT {stored_select(names)} FROM {table} ORDER BY fid").fetchall()
            wkbs = [None if r[0] is None else bytes(r[0]) for r in rows]  # a delta history row may hold none
            blobs = encode_geometries(shapely.from_wkb(wkbs), 25832) if rows else []
            dst.executemany(insert, [[b, *_compact(names, r[1:])] for b, r in zip(blobs, rows, strict=True)])
            update_contents_extent(dst, table)
        price_rows = source.price_history()
        dst.executemany(
            prices._INSERT,
            [
                tuple(
                    None if v is None or v is pd.NA else (int(v) if n == "connection_fees_included" else v)
                    for n, v in zip(_PRICE_NAMES, r, strict=True)
                )
                for r in price_rows.astype(object).values.tolist()
            ],
        )
        target.save_business_areas(source.load_business_areas())
        target.save_road_projects(source.load_road_projects(include_cancelled=True))
        target.save_decisions(source.load_decisions())
        with target._decision_write():
            for row in source._decision_log_rows(None):
                target._append_decision_log(tuple(row))
        tokens = conn.execute(f"SELECT {', '.join(_TOKEN_NAMES)} FROM landreg_tokens ORDER BY fid").fetchall()
        if tokens:
            ensure_token_table(dst)
            dst.executemany(
                f'INSERT INTO "{TOKENS}" ({", ".join(_TOKEN_NAMES)}) VALUES ({", ".join("?" * len(_TOKEN_NAMES))})',
                [_token_row(t) for t in tokens],
            )
        types = conn.execute("SELECT name, sql_type FROM plot_enrichment_columns ORDER BY fid").fetchall()
        enrichment = source.load_enrichment()
        if types or len(enrichment):
            dtypes = {"REAL": "float64", "INTEGER": "int64", "BOOLEAN": "bool", "TEXT": "object"}
            target._ensure_enrichment_table(pd.DataFrame({n: pd.Series(dtype=dtypes[t]) for n, t in types}))
            target.save_enrichment(enrichment)
        insert_alert_rows_gpkg(dst, postgis_alert_rows(conn))
        mine, theirs = postgis_checksums(source), gpkg_checksums(target)
        if mine != theirs:
            differ = [a.table for a, b in zip(mine, theirs, strict=True) if a != b]
            raise CopyError(f"the copy does not match its source in {differ}; nothing was written")
    return mine


def _compact(names: Sequence[str], values: Sequence[Any]) -> list[Any]:
    """Stored values from PostgreSQL (``jsonb::text`` spacing) as the GeoPackage stores them."""
    return [compact_json(v) if n in _JSON and v is not None else v for n, v in zip(names, values, strict=True)]


def _token_row(row: Sequence[Any]) -> tuple[Any, ...]:
    out = dict(zip(_TOKEN_NAMES, row, strict=True))
    out["municipalities"] = json.dumps(out["municipalities"])
    for key in ("created_at", "revoked_at"):
        out[key] = None if out[key] is None else format_datetime(out[key])
    return tuple(out.values())


def _price(row: Sequence[Any], fees_at: int) -> tuple[Any, ...]:
    return tuple(bool(v) if i == fees_at and v is not None else v for i, v in enumerate(row))


def _wkbs(rows: Sequence[Sequence[Any]]) -> list[bytes]:
    return list(shapely.to_wkb(decode_geometries([r[0] for r in rows]))) if rows else []


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _canonical(name: str, value: Any) -> Any:
    if name in _JSON and isinstance(value, str):
        return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
    if isinstance(value, float) and np.isnan(value):
        return None
    return value


def _digest(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    lines = sorted(
        json.dumps([_canonical(n, v) for n, v in zip(names, r, strict=True)], ensure_ascii=False, default=str)
        for r in rows
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _geom_hex(wkbs: Sequence[bytes | None]) -> list[str]:
    geoms = shapely.from_wkb(np.asarray(wkbs, dtype=object))
    return [g.wkb_hex if g is not None else "" for g in geoms]


def gpkg_checksums(registry: Any) -> list[TableCheck]:
    """Row counts and checksums of the copied tables of a GeoPackage registry."""
    conn = registry._conn
    out = []
    for table, names in (("plots", COLS), ("plot_versions", COLS + HIST)):
        rows = conn.execute(f'SELECT geom, {", ".join(names)} FROM "{table}"').fetchall()
        geoms = _geom_hex(_wkbs(rows))
        out.append(_check(table, ["geom", *names], [[g, *r[1:]] for g, r in zip(geoms, rows, strict=True)]))
    return out + _common_checks(registry) + _alert_checks(gpkg_alert_rows(conn))


def postgis_checksums(registry: PostGISRegistry) -> list[TableCheck]:
    """Row counts and checksums of the copied tables of a PostGIS registry."""
    out = []
    with registry._connection() as conn:
        for table, names in (("plots", COLS), ("plot_versions", COLS + HIST)):
            rows = conn.execute(f"SELECT {stored_select(names)} FROM {table}").fetchall()
            geoms = _geom_hex([None if r[0] is None else bytes(r[0]) for r in rows])
            out.append(_check(table, ["geom", *names], [[g, *r[1:]] for g, r in zip(geoms, rows, strict=True)]))
        alerts = postgis_alert_rows(conn)
    return out + _common_checks(registry) + _alert_checks(alerts)


def _common_checks(registry: Any) -> list[TableCheck]:
    """Checks read through the registry interface (same form from both backends)."""
    prices = registry.price_history()
    areas = registry.load_business_areas()
    roads = registry.load_road_projects(include_cancelled=True)
    enrichment = registry.load_enrichment()
    tokens = registry.list_tokens()
    return [
        _check("plot_prices", list(prices.columns), prices.astype(object).where(prices.notna(), None).values.tolist()),
        _check("business_areas", ["geom", *areas.columns[:-1]], _frame_rows(areas)),
        _check("road_projects", ["geom", *roads.columns[:-1]], _frame_rows(roads)),
        _check("decisions", ["decision"], [[d.model_dump_json()] for d in registry.load_decisions()]),
        _check(DECISION_LOG, list(LOG_NAMES), [list(r) for r in registry._decision_log_rows(None)]),
        _check("landreg_tokens", ["token"], [[json.dumps(t, sort_keys=True, default=str)] for t in tokens]),
        _check(
            ENRICHMENT,
            list(enrichment.columns),
            enrichment.astype(object).where(enrichment.notna(), None).values.tolist(),
        ),
    ]


def _alert_checks(rows: dict[str, list[list[Any]]]) -> list[TableCheck]:
    """The saved searches' tables, each row with its place in the table's order (kept by a copy)."""
    return [
        _check(table, ["row", *names], [[i, *r] for i, r in enumerate(rows[table])]) for table, names in ALERT_COLUMNS
    ]


def _frame_rows(frame: Any) -> list[list[Any]]:
    attrs = frame.drop(columns=frame.geometry.name)
    values = attrs.astype(object).where(attrs.notna(), None).values.tolist()
    geoms = [g.wkb_hex if g is not None else "" for g in frame.geometry]
    return [
        [g, *(json.dumps(v, sort_keys=True) if isinstance(v, (dict, list)) else v for v in r)]
        for g, r in zip(geoms, values, strict=True)
    ]


def _check(table: str, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> TableCheck:
    return TableCheck(table, len(rows), _digest(list(names), rows))
