"""``landreg db``: the PostgreSQL/PostGIS registry's schema (versioned migrations)."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import handle_errors, registry_option, resolve_registry_path
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
