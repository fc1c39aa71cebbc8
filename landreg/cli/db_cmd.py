"""``landreg db``: the PostgreSQL/PostGIS registry's schema (versioned migrations)."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import RegistryParam, handle_errors, registry_option, resolve_registry_path
from landreg.errors import ConfigurationError


@click.group("db")
def db_group() -> None:
    """Manage the schema of a PostgreSQL/PostGIS registry."""


def _database_url(registry_path: Path | str | None) -> str:
    target = resolve_registry_path(registry_path)
    if not isinstance(target, str):
        raise ConfigurationError(
            f"{target} is a GeoPackage file; `landreg db` works on a PostgreSQL registry: "
            "give --registry postgresql://user:password@host:port/database or set LANDREG_DATABASE_URL"
        )
    return target


@db_group.command("upgrade")
@registry_option
@click.option("--schema", default=None, help="Schema of the registry (default: the URL's ?schema=, else landreg).")
@handle_errors
def upgrade_cmd(registry_path: Path | str | None, schema: str | None) -> None:
    """Create the registry's tables, or apply the migrations it lacks, and print its schema version."""
    from landreg.registry.postgis.migrate import applied_version, upgrade_schema
    from landreg.registry.postgis.registry import connect_database, describe_url, split_schema

    url, schema = split_schema(_database_url(registry_path), schema=schema)
    with connect_database(url) as conn:
        applied = upgrade_schema(conn, schema=schema)
        version = applied_version(conn, schema=schema)
    where = f"{describe_url(url)} (schema {schema})"
    for migration in applied:
        click.echo(f"applied {migration.version:04d} {migration.name}")
    click.echo(f"registry {where} at schema version {version}" + ("" if applied else " (up to date)"))


@db_group.command("status")
@registry_option
@click.option("--schema", default=None, help="Schema of the registry (default: the URL's ?schema=, else landreg).")
@handle_errors
def status_cmd(registry_path: Path | str | None, schema: str | None) -> None:
    """Print the registry's schema version and the migrations it lacks (exit 1 when it lacks any)."""
    from landreg.registry.postgis.migrate import applied_version, available_migrations
    from landreg.registry.postgis.registry import connect_database, describe_url, split_schema

    url, schema = split_schema(_database_url(registry_path), schema=schema)
    with connect_database(url) as conn:
        version = applied_version(conn, schema=schema)
    pending = [m for m in available_migrations() if m.version > version]
    click.echo(f"registry {describe_url(url)} (schema {schema}) at schema version {version}")
    for migration in pending:
        click.echo(f"pending {migration.version:04d} {migration.name}")
    if pending:
        raise SystemExit(1)


@db_group.command("copy")
@click.argument("source", type=RegistryParam())
@click.argument("target", type=RegistryParam())
@handle_errors
def copy_cmd(source: Path | str, target: Path | str) -> None:
    """Copy a whole registry: a GeoPackage SOURCE into a PostgreSQL TARGET (postgresql:// URL), or back.

    A PostgreSQL TARGET's schema is created or upgraded first and must hold no plots; a GeoPackage
    TARGET must not exist yet.  Everything is copied in one transaction and verified table by table
    (rows and checksums), or nothing is written.
    """
    from landreg.registry import GeoPackageRegistry, PostGISRegistry
    from landreg.registry.postgis.copy import copy_gpkg_to_postgis, copy_postgis_to_gpkg

    if isinstance(source, Path) and isinstance(target, str):
        with GeoPackageRegistry.open(source) as src, PostGISRegistry.create(target) as dst:
            checks = copy_gpkg_to_postgis(src, dst)
            where = dst.label
    elif isinstance(source, str) and isinstance(target, Path):
        if target.exists():
            raise FileExistsError(f"{target} already exists; copy into a new file")
        try:
            with PostGISRegistry.open(source) as src, GeoPackageRegistry.create(target) as dst:
                checks = copy_postgis_to_gpkg(src, dst)
        except BaseException:
            target.unlink(missing_ok=True)  # a failed copy leaves no half-made file
            raise
        where = str(target)
    else:
        raise ConfigurationError(
            f"copy goes between a GeoPackage file and a postgresql:// URL (one of each), got {source!s} and {target!s}"
        )
    for check in checks:
        click.echo(f"{check.table:<16} {check.rows:>8} rows  sha256 {check.checksum[:16]}  verified")
    click.echo(f"copied to {where}")
