"""Backups of a live registry (``landreg backup``) and their restore (``landreg restore``), verified by checksums.

A GeoPackage registry is copied with SQLite's online backup API in one step: the copy is the
file as it stood at one instant, while other processes go on writing (they wait at most for the
copy to finish).  A PostGIS registry is dumped with ``pg_dump`` (custom format) in a snapshot
that also serves to compute the table checksums, so both describe the same instant.

Beside each backup ``FILE`` lies ``FILE.manifest.json``: the backend, the source, when the
backup started and finished (UTC), the file's SHA-256, and each table's row count and checksum
(:mod:`landreg.registry.postgis.copy`).  A restore checks the file against the manifest, restores
into a temporary place, checks the restored tables against the manifest, and only then puts the
registry where it was asked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sqlite3
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from landreg.errors import BackupError, RegistryFormatError
from landreg.registry.postgis.copy import TableCheck, gpkg_checksums
from landreg.registry.tables import ALERT_OUTBOX, ALERT_SEARCHES, ALERT_SITES

MANIFEST_FORMAT = "landreg-backup"
MANIFEST_VERSION = 1
_SIDE_FILES = ("-journal", "-wal", "-shm")
#: Tables a copy or backup checks since a later landreg (an older manifest does not name them).
_CHECKED_LATER = frozenset({ALERT_SEARCHES, ALERT_SITES, ALERT_OUTBOX})


@dataclass(frozen=True)
class BackupManifest:
    """What a backup holds and how to verify it (stored as ``<backup>.manifest.json``)."""

    backend: str
    source: str
    started_at: str
    finished_at: str
    file_name: str
    file_sha256: str
    file_bytes: int
    tables: list[TableCheck] = field(default_factory=list)
    schema: str | None = None

    @property
    def plot_rows(self) -> int:
        """Rows in the ``plots`` table of the backup."""
        return next((t.rows for t in self.tables if t.table == "plots"), 0)

    def to_json(self) -> str:
        """The manifest as JSON text."""
        body = {"format": MANIFEST_FORMAT, "format_version": MANIFEST_VERSION, **asdict(self)}
        return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def manifest_path(backup: str | Path) -> Path:
    """The manifest beside ``backup``: ``<backup>.manifest.json``."""
    backup = Path(backup)
    return backup.with_name(backup.name + ".manifest.json")


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def load_manifest(backup: str | Path) -> BackupManifest:
    """Read and check the manifest of ``backup``.

    Raises
    ------
    FileNotFoundError
        When the backup or its manifest is missing.
    BackupError
        When the manifest is not a landreg backup manifest.
    """
    backup = Path(backup)
    if not backup.exists():
        raise FileNotFoundError(f"no backup at {backup}; give the file `landreg backup -o` wrote")
    path = manifest_path(backup)
    if not path.exists():
        raise FileNotFoundError(
            f"{backup} has no manifest {path.name} beside it, so it cannot be verified; "
            "restore only backups made by `landreg backup` (it writes both files)"
        )
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.pop("format") != MANIFEST_FORMAT:
            raise ValueError("format is not landreg-backup")
        body.pop("format_version")
        body["tables"] = [TableCheck(**t) for t in body["tables"]]
        return BackupManifest(**body)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(f"{path} is not a landreg backup manifest ({exc}); it may be damaged") from exc


def backup_registry(source: str | Path, output: str | Path, *, settings: Any = None) -> BackupManifest:
    """Back up the registry ``source`` (possibly being written) to the new file ``output``.

    Parameters
    ----------
    source : str or Path
        A registry GeoPackage or a ``postgresql://`` URL (``?schema=`` names the schema).
    output : str or Path
        The backup file to write: a GeoPackage copy, or a ``pg_dump`` archive for PostGIS.
        It and its manifest must not exist yet.
    settings : LandregSettings, optional
        Options for opening the registry (default: the environment).

    Returns
    -------
    BackupManifest
        Also written to ``<output>.manifest.json``.

    Raises
    ------
    FileExistsError
        When ``output`` or its manifest exists.
    BackupError
        When the copy cannot be made or fails its integrity check; no file is left behind.
    """
    from landreg.registry import open_registry_from_settings
    from landreg.registry.postgis import PostGISRegistry

    output = Path(output)
    for path in (output, manifest_path(output)):
        if path.exists():
            raise FileExistsError(f"{path} already exists; give -o a new file name")
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".partial")
    try:
        with open_registry_from_settings(source, settings=settings) as registry:
            if isinstance(registry, PostGISRegistry):
                from landreg.registry.backup_postgis import dump_postgis

                started, tables = dump_postgis(registry, tmp)
                schema: str | None = registry.schema
            else:
                started, tables = _copy_gpkg(registry, tmp)
                schema = None
            label = registry.label
        manifest = BackupManifest(
            backend="postgis" if schema else "geopackage",
            source=label,
            started_at=started,
            finished_at=_now_text(),
            file_name=output.name,
            file_sha256=file_sha256(tmp),
            file_bytes=tmp.stat().st_size,
            tables=tables,
            schema=schema,
        )
        tmp.replace(output)
    finally:
        tmp.unlink(missing_ok=True)
    manifest_path(output).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def restore_registry(backup: str | Path, target: str | Path, *, force: bool = False) -> BackupManifest:
    """Restore ``backup`` into ``target`` after checking it against its manifest.

    Parameters
    ----------
    backup : str or Path
        A file written by :func:`backup_registry` (its manifest beside it).
    target : str or Path
        Where the registry goes: a ``.gpkg`` path for a GeoPackage backup, a ``postgresql://``
        URL (``?schema=`` names the schema) for a PostGIS backup.
    force : bool
        Replace a registry that exists at ``target`` (stop its writers first).

    Returns
    -------
    BackupManifest
        The verified manifest.

    Raises
    ------
    FileNotFoundError
        When the backup or its manifest is missing.
    FileExistsError
        When ``target`` holds a registry and ``force`` is false.
    BackupError
        When the file or the restored tables do not match the manifest; ``target`` is untouched.
    """
    from landreg.registry.postgis import is_database_url

    backup = Path(backup)
    manifest = load_manifest(backup)
    actual = file_sha256(backup)
    if actual != manifest.file_sha256:
        raise BackupError(
            f"{backup} does not match its manifest (SHA-256 {actual[:16]}…, expected "
            f"{manifest.file_sha256[:16]}…): the file was changed or damaged; nothing was restored"
        )
    if manifest.backend == "postgis":
        if not is_database_url(target):
            raise BackupError(f"{backup} is a PostGIS backup; restore it into a database: --registry postgresql://…")
        from landreg.registry.backup_postgis import restore_postgis

        restore_postgis(backup, manifest, str(target), force=force)
        return manifest
    if is_database_url(target):
        raise BackupError(
            f"{backup} is a GeoPackage backup; restore it to a .gpkg file "
            "(then `landreg db copy` moves it into a database)"
        )
    _restore_gpkg(backup, manifest, Path(target), force=force)
    return manifest


def verify_tables(manifest: BackupManifest, restored: list[TableCheck], *, where: str) -> None:
    """Raise :class:`BackupError` naming the tables whose rows or checksum differ from the manifest.

    A manifest written before a table was checked (e.g. the saved searches) does not name it: the
    file's SHA-256 still vouches for it, and the tables the manifest names are checked.
    """
    expected = {t.table: t for t in manifest.tables}
    found = {t.table: t for t in restored if t.table in expected or t.table not in _CHECKED_LATER}
    differ = sorted(name for name in expected.keys() | found.keys() if expected.get(name) != found.get(name))
    if differ:
        raise BackupError(
            f"the registry restored from {where} does not match the backup's manifest in {differ}; nothing was restored"
        )


def _now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _copy_gpkg(registry: Any, tmp: Path) -> tuple[str, list[TableCheck]]:
    """Copy the registry's file to ``tmp`` in one step of the online backup API, then check the copy."""
    from landreg.registry.gpkg import GeoPackageRegistry

    tmp.unlink(missing_ok=True)
    dst = sqlite3.connect(str(tmp), isolation_level=None)
    try:
        with registry._lock:
            started = _now_text()
            # pages=-1: the whole file under one read lock, so the copy is a single instant
            registry._conn.backup(dst, pages=-1)
        dst.execute("PRAGMA journal_mode = DELETE")  # the copy is one file even when the source uses WAL
    except sqlite3.Error as exc:
        raise BackupError(f"could not copy {registry.path}: {exc}") from exc
    finally:
        dst.close()
    _check_integrity(tmp)
    with GeoPackageRegistry.open(tmp) as copy:
        return started, gpkg_checksums(copy)


def _check_integrity(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    try:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a readable SQLite file ({exc})") from exc
    finally:
        conn.close()
    if problems != ["ok"]:
        raise BackupError(f"{path} failed SQLite's integrity check: {'; '.join(problems[:5])}")


def _restore_gpkg(backup: Path, manifest: BackupManifest, target: Path, *, force: bool) -> None:
    from landreg.registry.gpkg import GeoPackageRegistry

    if target.exists() and not force:
        raise FileExistsError(f"{target} already exists; restore to a new file, or pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    try:
        src, dst = sqlite3.connect(str(backup)), sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{backup} is not a readable GeoPackage ({exc})") from exc
        finally:
            src.close()
            dst.close()
        _check_integrity(tmp)
        try:
            with GeoPackageRegistry.open(tmp) as restored:
                checks = gpkg_checksums(restored)
        except RegistryFormatError as exc:
            raise BackupError(f"{backup} does not hold a landreg registry") from exc
        verify_tables(manifest, checks, where=str(backup))
        for suffix in _SIDE_FILES:  # a stale journal of the replaced file must not touch the new one
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(target) + suffix)
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)
