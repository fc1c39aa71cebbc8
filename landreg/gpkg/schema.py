"""GeoPackage core tables and helpers to declare feature and attribute tables."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from pyproj import CRS

_CORE_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
);
"""

_RTREE_TRIGGERS = """
CREATE TRIGGER "rtree_{t}_{c}_insert" AFTER INSERT ON "{t}"
WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (
    NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;
CREATE TRIGGER "rtree_{t}_{c}_update1" AFTER UPDATE OF "{c}" ON "{t}"
WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (
    NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;
CREATE TRIGGER "rtree_{t}_{c}_update2" AFTER UPDATE OF "{c}" ON "{t}"
WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" IS NULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}";
END;
CREATE TRIGGER "rtree_{t}_{c}_update3" AFTER UPDATE ON "{t}"
WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}";
  INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (
    NEW."{i}", ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"), ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}"));
END;
CREATE TRIGGER "rtree_{t}_{c}_update4" AFTER UPDATE ON "{t}"
WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" IS NULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id IN (OLD."{i}", NEW."{i}");
END;
CREATE TRIGGER "rtree_{t}_{c}_delete" AFTER DELETE ON "{t}"
WHEN old."{c}" NOT NULL
BEGIN
  DELETE FROM "rtree_{t}_{c}" WHERE id = OLD."{i}";
END;
"""


def create_core_tables(conn: sqlite3.Connection, *, srs_ids: Sequence[int]) -> None:
    """Create the mandatory GeoPackage tables and register the given EPSG codes.

    Must run inside a write transaction.
    """
    _run_script(conn, _CORE_DDL)
    rows = [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ]
    for epsg in sorted({4326, *srs_ids}):
        crs = CRS.from_epsg(epsg)
        rows.append((crs.name, epsg, "EPSG", epsg, crs.to_wkt("WKT1_GDAL"), crs.name))
    conn.executemany("INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", rows)


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    # executescript() would COMMIT an open transaction; run statement by statement instead.
    buffer = ""
    for piece in script.split(";"):
        buffer += piece + ";"
        if sqlite3.complete_statement(buffer):
            if buffer.strip(" \n;"):
                conn.execute(buffer)
            buffer = ""


def create_feature_table(
    conn: sqlite3.Connection,
    table: str,
    *,
    columns: Sequence[tuple[str, str]],
    geometry_type: str,
    srs_id: int,
    description: str = "",
    spatial_index: bool = True,
    constraints: Sequence[str] = (),
) -> None:
    """Create a GeoPackage features table ``fid``, ``geom`` + ``columns``.

    Parameters
    ----------
    conn : sqlite3.Connection
        An open GeoPackage; the caller commits.
    table : str
        Name of the new table (also its ``gpkg_contents`` identifier).
    columns : sequence of (name, sql_type)
        Attribute columns with GeoPackage types (TEXT, REAL, INTEGER, BOOLEAN, DATE, DATETIME).
    geometry_type : str
        GeoPackage geometry type name, e.g. ``MULTIPOLYGON``.
    srs_id : int
        The CRS of the ``geom`` column (e.g. 25832); must be in ``gpkg_spatial_ref_sys``.
    description : str
        Description recorded in ``gpkg_contents``.
    spatial_index : bool
        Create the ``gpkg_rtree_index`` R-tree with its triggers.
    constraints : sequence of str
        Extra table constraints (SQL), e.g. ``UNIQUE (code)``.
    """
    cols = ",\n  ".join([f'"{n}" {t}' for n, t in columns] + list(constraints))
    conn.execute(
        f'CREATE TABLE "{table}" (\n  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n'
        f"  geom {geometry_type},\n  {cols}\n)"
    )
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id) "
        "VALUES (?, 'features', ?, ?, ?)",
        (table, table, description, srs_id),
    )
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)",
        (table, geometry_type, srs_id),
    )
    if spatial_index:
        conn.execute(f'CREATE VIRTUAL TABLE "rtree_{table}_geom" USING rtree(id, minx, maxx, miny, maxy)')
        _run_script(conn, _RTREE_TRIGGERS.format(t=table, c="geom", i="fid"))
        conn.execute(
            "INSERT INTO gpkg_extensions VALUES (?, 'geom', 'gpkg_rtree_index', "
            "'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            (table,),
        )


def create_attribute_table(
    conn: sqlite3.Connection,
    table: str,
    *,
    columns: Sequence[tuple[str, str]],
    description: str = "",
    constraints: Sequence[str] = (),
) -> None:
    """Create a GeoPackage attributes (non-spatial) table with an ``fid`` key."""
    cols = ",\n  ".join([f'"{n}" {t}' for n, t in columns] + list(constraints))
    conn.execute(f'CREATE TABLE "{table}" (\n  fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,\n  {cols}\n)')
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?, 'attributes', ?, ?)",
        (table, table, description),
    )


def update_contents_extent(conn: sqlite3.Connection, table: str) -> None:
    """Refresh ``gpkg_contents`` bounds and ``last_change`` of a features table from its R-tree."""
    row = conn.execute(f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{table}_geom"').fetchone()
    conn.execute(
        "UPDATE gpkg_contents SET min_x=?, min_y=?, max_x=?, max_y=?, "
        "last_change=strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name=?",
        (*row, table),
    )
