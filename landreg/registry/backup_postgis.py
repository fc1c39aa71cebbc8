"""Backup and restore of a PostGIS registry's schema with ``pg_dump`` / ``pg_restore``.

The dump and the checksums come from one exported snapshot (``pg_export_snapshot`` in a
``REPEATABLE READ`` transaction, ``pg_dump --snapshot``), so they describe the same instant while
writers go on.  A restore first moves a schema it replaces aside, restores, renames the restored
schema to the one asked for, and compares its checksums with the manifest; on any failure the
restored schema is dropped and the one moved aside is put back.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

from landreg.errors import BackupError, ClusterError
from landreg.registry.postgis.copy import TableCheck, postgis_checksums


def _tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: on PATH, else beside the installed server."""
    found = shutil.which(name)
    if found:
        return found
    from landreg.registry.postgis.cluster import find_postgres_bin

    try:
        path = find_postgres_bin() / name
    except ClusterError as exc:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client (apt-get install -y postgresql-client)"
        ) from exc
    if not path.exists():
        raise BackupError(f"{name} was not found in {path.parent}; install postgresql-client")
    return str(path)


def _run(args: list[str], *, what: str) -> None:
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = [line for line in done.stderr.strip().splitlines() if line.strip()]
        raise BackupError(f"{what} failed: {' / '.join(lines[-3:]) or f'exit status {done.returncode}'}")


def dump_postgis(registry: Any, output: Path) -> tuple[str, list[TableCheck]]:
    """Dump the registry's schema to ``output`` (``pg_dump`` custom format) and checksum the same snapshot.

    Parameters
    ----------
    registry : PostGISRegistry
        The open registry (other processes may be writing to it).
    output : Path
        The archive to write.

    Returns
    -------
    tuple of (str, list of TableCheck)
        The UTC time just before the snapshot was taken, and the tables' checksums in it.
    """
    pg_dump = _tool("pg_dump")
    output.unlink(missing_ok=True)
    with registry._pool.connection() as conn, conn.transaction():
        started = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        _run(
            [
                pg_dump,
                f"--dbname={registry.url}",
                f"--snapshot={snapshot}",
                f"--schema={registry.schema}",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={output}",
            ],
            what=f"pg_dump of {registry.label}",
        )
        registry._local.conn = conn  # the registry's reads use this snapshot's connection
        try:
            checks = postgis_checksums(registry)
        finally:
            registry._local.conn = None
    return started, checks


def restore_postgis(backup: Path, manifest: Any, target: str, *, force: bool) -> None:
    """Restore a ``pg_dump`` archive into the schema ``target`` names, verified against ``manifest``.

    Parameters
    ----------
    backup : Path
        The archive written by :func:`dump_postgis`.
    manifest : BackupManifest
        Its manifest (``schema`` is the schema that was dumped).
    target : str
        A ``postgresql://`` URL; ``?schema=`` names the schema to restore into (default ``landreg``).
    force : bool
        Replace the schema when it exists.

    Raises
    ------
    BackupError
        When the schema exists (without ``force``), the dumped schema's name is taken in the target
        database, ``pg_restore`` fails, or the restored tables differ from the manifest.
    """
    from landreg.registry.backup import verify_tables
    from landreg.registry.postgis.registry import PostGISRegistry, connect_database, describe_url, split_schema

    base, schema = split_schema(target)
    dumped = manifest.schema
    where = describe_url(base)
    aside = f"{schema}_replaced_{uuid.uuid4().hex[:8]}"
    moved = False
    with connect_database(base) as conn:

        def exists(name: str) -> bool:
            return conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (name,)).fetchone() is not None

        if exists(schema):
            if not force:
                raise BackupError(
                    f"the schema {schema} in {where} exists already; restore into a new schema "
                    "(?schema=name in the URL), or pass --force to replace it"
                )
            conn.execute(f'ALTER SCHEMA "{schema}" RENAME TO "{aside}"')
            moved = True
        created: str | None = None  # the schema this restore made, dropped when it fails
        try:
            if dumped != schema and exists(dumped):
                raise BackupError(
                    f"the backup holds the schema {dumped}, which {where} has already; pg_restore creates "
                    f"it under that name before it becomes {schema}: restore into another database"
                )
            created = dumped
            _run(
                [
                    _tool("pg_restore"),
                    f"--dbname={base}",
                    "--single-transaction",
                    "--exit-on-error",
                    "--no-owner",
                    "--no-privileges",
                    str(backup),
                ],
                what=f"pg_restore of {backup} into {where}",
            )
            if dumped != schema:
                conn.execute(f'ALTER SCHEMA "{dumped}" RENAME TO "{schema}"')
                created = schema
            with PostGISRegistry.open(base, schema=schema) as restored:
                verify_tables(manifest, postgis_checksums(restored), where=str(backup))
        except BaseException:
            if created is not None:
                conn.execute(f'DROP SCHEMA IF EXISTS "{created}" CASCADE')
            if moved:
                conn.execute(f'ALTER SCHEMA "{aside}" RENAME TO "{schema}"')
            raise
        if moved:
            conn.execute(f'DROP SCHEMA "{aside}" CASCADE')
