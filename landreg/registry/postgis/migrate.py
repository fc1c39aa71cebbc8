"""Versioned schema migrations of a PostGIS registry (``landreg db upgrade``).

Each migration is a numbered SQL file in ``migrations/`` (``0001_initial.sql``, …).  The table
``schema_version`` of the registry's schema lists the ones applied; :func:`upgrade_schema`
applies the missing ones in order, holding an advisory lock so
that two upgrades at once cannot both apply one.  All run in one transaction: a failing
migration leaves the schema as it was.  Nothing else creates or changes tables.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

from landreg.errors import RegistryFormatError

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
#: Advisory-lock key held while migrating (any fixed number unique to landreg).
_MIGRATION_LOCK = 7_301_520_025


@dataclass(frozen=True)
class Migration:
    """One numbered migration: its version, name and SQL text."""

    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with landreg, oldest first."""
    found = []
    for entry in resources.files("landreg.registry.postgis").joinpath("migrations").iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migrations must be numbered 1, 2, 3 … without gaps; found {versions}")
    return found


def latest_version() -> int:
    """The schema version this landreg expects (the newest migration)."""
    return available_migrations()[-1].version


def check_schema_name(schema: str) -> str:
    """``schema`` when it is a plain lower-case SQL identifier.

    Raises
    ------
    RegistryFormatError
        Naming the rule when it is not.
    """
    if not _SCHEMA_NAME.match(schema):
        raise RegistryFormatError(
            f"schema name {schema!r} is not allowed; use lower-case letters, digits and _ (at most 63, not first digit)"
        )
    return schema


def applied_version(conn: Any, *, schema: str) -> int:
    """The schema version of the registry in ``schema`` (0 when it has none)."""
    row = conn.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_schema = %s AND table_name = 'schema_version'",
        (schema,),
    ).fetchone()
    if row is None:
        return 0
    value = conn.execute(f'SELECT max(version) FROM "{schema}".schema_version').fetchone()[0]
    return int(value or 0)


def upgrade_schema(conn: Any, *, schema: str = "landreg", target: int | None = None) -> list[Migration]:
    """Apply the migrations that ``schema`` lacks, oldest first.

    Parameters
    ----------
    conn : psycopg.Connection
        An autocommit connection to the database (PostGIS installed, or the right to install it).
    schema : str
        The registry's schema (created when missing).
    target : int, optional
        Stop at this version (default: the newest).

    Returns
    -------
    list of Migration
        The migrations applied now (empty when the schema was up to date).

    Raises
    ------
    RegistryFormatError
        When the database is newer than this landreg, or PostGIS is missing and cannot be installed.
    """
    check_schema_name(schema)
    import psycopg

    done: list[Migration] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        _ensure_postgis(conn, psycopg)
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        conn.execute(
            f'CREATE TABLE IF NOT EXISTS "{schema}".schema_version ('
            "version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = applied_version(conn, schema=schema)
        latest = latest_version()
        if current > latest:
            raise RegistryFormatError(
                f"the registry schema {schema!r} is at version {current}, newer than this landreg knows ({latest}); "
                "upgrade landreg"
            )
        conn.execute(f'SET LOCAL search_path TO "{schema}", public')
        for migration in available_migrations()[current : target if target is not None else None]:
            with conn.transaction():
                conn.execute(migration.sql)
                conn.execute(
                    f'INSERT INTO "{schema}".schema_version (version, name) VALUES (%s, %s)',
                    (migration.version, migration.name),
                )
            done.append(migration)
    return done


def _ensure_postgis(conn: Any, psycopg: Any) -> None:
    installed = conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'postgis'").fetchone()
    if installed:
        return
    try:
        with conn.transaction():
            conn.execute("CREATE EXTENSION postgis SCHEMA public")
    except psycopg.Error as exc:
        raise RegistryFormatError(
            f"the database has no PostGIS and this user cannot install it ({exc.diag.message_primary}); "
            "ask its administrator to run: CREATE EXTENSION postgis"
        ) from exc
