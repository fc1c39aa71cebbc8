"""``landreg import --mapping/--dry-run``: importing municipal files through a column and value mapping."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from landreg.cli.common import open_from_cli, progress_bar
from landreg.settings import LandregSettings


def run_mapped_import(
    registry_path: Path | None,
    source: Path,
    *,
    mapping: str | None,
    dry_run: bool,
    fmt: str | None,
    layer: str | None,
    crs: str | None,
    repair: bool,
    actor: str | None,
) -> None:
    """Import SOURCE through MAPPING (or only check it, with ``dry_run``) and print the report.

    A dry run prints what would be imported and exits 1 when the import would fail.
    """
    from landreg.io.mapped_import import import_with_mapping

    with open_from_cli(registry_path, create=not dry_run) as reg:
        if dry_run:
            _, report = import_with_mapping(
                reg,
                source,
                mapping=mapping,
                actor="dry run",
                dry_run=True,
                fmt=fmt,
                layer=layer,
                crs=crs,
                repair=repair,
            )
            click.echo(report.to_text())
            if report.ok:
                click.echo(f"dry run: {report.n_records} plots would be imported; nothing was written")
                return
            click.echo("error: dry run: the import would fail (see above); nothing was written", err=True)
            sys.exit(1)
        with progress_bar(0, "import") as bar:
            ids, report = import_with_mapping(
                reg,
                source,
                mapping=mapping,
                actor=actor or LandregSettings().actor,
                fmt=fmt,
                layer=layer,
                crs=crs,
                repair=repair,
                progress=bar.update,
            )
    unmapped = f"; columns not imported: {', '.join(report.unmapped)}" if report.unmapped else ""
    click.echo(f"imported {len(ids)} plots from {source.name} with mapping {report.mapping!r}{unmapped}")
