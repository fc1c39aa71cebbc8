"""``landreg backup`` and ``landreg restore``: consistent copies of a live registry, verified by checksums."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from landreg.cli.common import handle_errors, registry_option, resolve_registry_path

if TYPE_CHECKING:
    from landreg.registry.backup import BackupManifest


@click.command("backup")
@registry_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Backup file to write (a .gpkg copy, or a pg_dump archive for a PostgreSQL registry); must be new.",
)
@handle_errors
def backup_cmd(registry_path: Path | str | None, output: Path) -> None:
    """Copy the registry, while others may be writing to it, into OUTPUT and OUTPUT.manifest.json.

    The copy is the registry as it stood at one instant (SQLite's online backup API for a
    GeoPackage, pg_dump for PostgreSQL); the manifest records that instant and each table's rows
    and checksum, which `landreg restore` verifies.
    """
    from landreg.registry.backup import backup_registry, manifest_path

    manifest = backup_registry(resolve_registry_path(registry_path), output)
    _print_tables(manifest)
    click.echo(f"backup of {manifest.source} as of {manifest.started_at} written to {output}")
    click.echo(f"manifest {manifest_path(output)} (sha256 {manifest.file_sha256[:16]})")


@click.command("restore")
@click.argument("backup", type=click.Path(dir_okay=False, path_type=Path))
@registry_option
@click.option("--force", is_flag=True, help="Replace the registry at --registry if it exists (stop its writers first).")
@handle_errors
def restore_cmd(backup: Path, registry_path: Path | str | None, force: bool) -> None:
    """Restore BACKUP (written by `landreg backup`) into --registry, after verifying it against its manifest.

    The file's SHA-256 and, once restored, every table's rows and checksum must match the
    manifest; otherwise nothing is restored.  An existing registry is replaced only with --force.
    """
    from landreg.registry.backup import restore_registry

    target = resolve_registry_path(registry_path)
    manifest = restore_registry(backup, target, force=force)
    _print_tables(manifest)
    click.echo(f"restored {backup} (as of {manifest.started_at}) into {_describe(target)}")


def _print_tables(manifest: BackupManifest) -> None:
    for check in manifest.tables:
        click.echo(f"{check.table:<16} {check.rows:>8} rows  sha256 {check.checksum[:16]}  verified")


def _describe(target: Path | str) -> str:
    if isinstance(target, Path):
        return str(target)
    from landreg.registry.postgis.registry import describe_url

    return describe_url(target)
