"""Table layout of a landreg GeoPackage registry."""

from __future__ import annotations

import sqlite3

from landreg.crs import STORAGE_EPSG
from landreg.gpkg.schema import create_attribute_table, create_core_tables, create_feature_table
from landreg.registry.codec import PLOT_COLUMNS

SCHEMA_VERSION = 2
PLOTS = "plots"
VERSIONS = "plot_versions"
PRICES = "plot_prices"
AREAS = "business_areas"
DECISIONS = "decisions"
ROADS = "road_projects"
META = "landreg_meta"

HISTORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("op", "TEXT NOT NULL"),
    ("actor", "TEXT NOT NULL"),
    ("recorded_at", "DATETIME NOT NULL"),
    ("superseded_at", "DATETIME"),
    ("changed_fields", "TEXT NOT NULL"),
    ("before", "TEXT"),
    ("after", "TEXT"),
    ("note", "TEXT"),
    # NULL: the row holds every column (a snapshot); else the snapshot a delta row builds on
    # (landreg.registry.history)
    ("base_version", "INTEGER"),
)

PRICE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("plot_id", "TEXT NOT NULL"),
    ("observed_on", "DATE NOT NULL"),
    ("kind", "TEXT NOT NULL"),
    ("price_nok_m2", "REAL NOT NULL"),
    ("basis", "TEXT NOT NULL"),
    ("connection_fees_included", "BOOLEAN"),
    ("source", "TEXT NOT NULL"),
    ("recorded_at", "DATETIME NOT NULL"),
    ("recorded_by", "TEXT NOT NULL"),
)

AREA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("area_id", "TEXT NOT NULL UNIQUE"),
    ("name", "TEXT NOT NULL"),
    ("municipality_no", "TEXT NOT NULL"),
    ("area_type", "TEXT NOT NULL"),
    ("strategic_note", "TEXT"),
    ("nuisance_class", "TEXT"),
    ("occupants", "TEXT"),
    ("anchor", "TEXT"),
    ("provenance", "TEXT"),
)

DECISION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("decision_id", "TEXT NOT NULL UNIQUE"),
    ("title", "TEXT NOT NULL"),
    ("status", "TEXT NOT NULL"),
    ("expected_date", "DATE"),
    ("description", "TEXT"),
    ("outcomes", "TEXT"),
    ("provenance", "TEXT"),
    ("outcome", "TEXT"),
    ("decided_on", "DATE"),
)

ROAD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("project_id", "TEXT NOT NULL UNIQUE"),
    ("name", "TEXT NOT NULL"),
    ("status", "TEXT NOT NULL"),
    ("speed_kmh", "REAL NOT NULL"),
    ("expected_year", "INTEGER"),
    ("description", "TEXT"),
    ("provenance", "TEXT"),
)


#: Saved searches with alerts (landreg.alerts): plain SQLite tables, deliberately not entered in
#: ``gpkg_contents``, so GIS clients do not offer subscribers' e-mail addresses as a layer.
ALERT_SEARCHES = "alert_searches"
ALERT_SITES = "alert_sites"
ALERT_OUTBOX = "alert_outbox"

#: Each alert table and its columns (``fid`` left out: the order of the rows is kept instead).
ALERT_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        ALERT_SEARCHES,
        (
            "search_id",
            "criteria",
            "email",
            "webhook_url",
            "webhook_secret",
            "lang",
            "base_url",
            "confirm_token",
            "unsubscribe_token",
            "created_at",
            "confirmed_at",
            "unsubscribed_at",
        ),
    ),
    (ALERT_SITES, ("search_id", "site_id", "announced_at", "notified", "summary")),
    (
        ALERT_OUTBOX,
        (
            "message_id",
            "search_id",
            "channel",
            "kind",
            "payload",
            "created_at",
            "attempts",
            "next_attempt_at",
            "delivered_at",
            "failed_at",
            "last_error",
        ),
    ),
)
_ALERT_DDL = (
    f'CREATE TABLE IF NOT EXISTS "{ALERT_SEARCHES}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    "search_id TEXT NOT NULL UNIQUE, criteria TEXT NOT NULL, email TEXT, webhook_url TEXT, webhook_secret TEXT, "
    "lang TEXT NOT NULL, base_url TEXT NOT NULL, confirm_token TEXT NOT NULL UNIQUE, "
    "unsubscribe_token TEXT NOT NULL UNIQUE, created_at DATETIME NOT NULL, confirmed_at DATETIME, "
    "unsubscribed_at DATETIME)",
    f'CREATE TABLE IF NOT EXISTS "{ALERT_SITES}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    "search_id TEXT NOT NULL, site_id TEXT NOT NULL, announced_at DATETIME NOT NULL, notified BOOLEAN NOT NULL, "
    "summary TEXT NOT NULL, UNIQUE (search_id, site_id))",
    f'CREATE TABLE IF NOT EXISTS "{ALERT_OUTBOX}" (fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, '
    "message_id TEXT NOT NULL UNIQUE, search_id TEXT NOT NULL, channel TEXT NOT NULL, kind TEXT NOT NULL, "
    "payload TEXT NOT NULL, created_at DATETIME NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, "
    "next_attempt_at DATETIME NOT NULL, delivered_at DATETIME, failed_at DATETIME, last_error TEXT)",
    f'CREATE INDEX IF NOT EXISTS "idx_{ALERT_OUTBOX}_due" ON "{ALERT_OUTBOX}"(next_attempt_at) '
    "WHERE delivered_at IS NULL AND failed_at IS NULL",
)


def create_alert_tables(conn: sqlite3.Connection) -> None:
    """Create the saved-search tables when missing (inside a write transaction; a registry made before them too)."""
    for statement in _ALERT_DDL:
        conn.execute(statement)


def _plot_columns(*, unique_id: bool) -> list[tuple[str, str]]:
    cols = []
    for name, sql_type in PLOT_COLUMNS:
        if name == "plot_id":
            sql_type += " NOT NULL" + (" UNIQUE" if unique_id else "")
        elif name in ("code", "municipality_no", "status", "version"):
            sql_type += " NOT NULL"
        cols.append((name, sql_type))
    return cols


def upgrade_registry_tables(conn: sqlite3.Connection) -> None:
    """Bring the tables of a registry written by an earlier landreg up to :data:`SCHEMA_VERSION`.

    Version 2 adds ``base_version`` to the history (compact history); the full rows written
    before stay valid snapshots.  Call inside a write transaction; does nothing when current.
    """
    names = {r[1] for r in conn.execute(f'PRAGMA table_info("{VERSIONS}")').fetchall()}
    if "base_version" not in names:
        conn.execute(f'ALTER TABLE "{VERSIONS}" ADD COLUMN base_version INTEGER')
        conn.execute(f'UPDATE "{META}" SET value = ? WHERE key = ?', (str(SCHEMA_VERSION), "schema_version"))


def create_registry_tables(conn: sqlite3.Connection) -> None:
    """Create every registry table in an empty GeoPackage (inside a write transaction)."""
    create_core_tables(conn, srs_ids=[STORAGE_EPSG])
    create_feature_table(
        conn,
        PLOTS,
        columns=_plot_columns(unique_id=True),
        geometry_type="MULTIPOLYGON",
        srs_id=STORAGE_EPSG,
        description="Plots of business land (current state, live and ended)",
    )
    conn.execute(f'CREATE UNIQUE INDEX "idx_{PLOTS}_live_code" ON "{PLOTS}"(code) WHERE valid_to IS NULL')
    for col in ("municipality_no", "status", "business_area_id", "valid_to"):
        conn.execute(f'CREATE INDEX "idx_{PLOTS}_{col}" ON "{PLOTS}"("{col}")')
    create_feature_table(
        conn,
        VERSIONS,
        columns=_plot_columns(unique_id=False) + list(HISTORY_COLUMNS),
        geometry_type="MULTIPOLYGON",
        srs_id=STORAGE_EPSG,
        description="Every version of every plot, with who changed what and when",
        constraints=["UNIQUE (plot_id, version)"],
    )
    conn.execute(f'CREATE INDEX "idx_{VERSIONS}_recorded" ON "{VERSIONS}"(recorded_at)')
    conn.execute(f'CREATE INDEX "idx_{VERSIONS}_superseded" ON "{VERSIONS}"(superseded_at)')
    create_attribute_table(conn, PRICES, columns=PRICE_COLUMNS, description="Dated asking and transaction prices")
    conn.execute(f'CREATE INDEX "idx_{PRICES}_plot" ON "{PRICES}"(plot_id, observed_on)')
    create_feature_table(
        conn,
        AREAS,
        columns=AREA_COLUMNS,
        geometry_type="MULTIPOLYGON",
        srs_id=STORAGE_EPSG,
        description="Business areas (næringsområder) and clusters",
    )
    create_attribute_table(conn, DECISIONS, columns=DECISION_COLUMNS, description="Pending decisions that lock land")
    create_feature_table(
        conn,
        ROADS,
        columns=ROAD_COLUMNS,
        geometry_type="MULTILINESTRING",
        srs_id=STORAGE_EPSG,
        description="Planned road projects",
    )
    create_attribute_table(
        conn, META, columns=(("key", "TEXT NOT NULL UNIQUE"), ("value", "TEXT")), description="landreg metadata"
    )
    conn.executemany(
        f'INSERT INTO "{META}"(key, value) VALUES (?, ?)',
        [("schema_version", str(SCHEMA_VERSION)), ("kind", "landreg-registry")],
    )
    create_alert_tables(conn)
