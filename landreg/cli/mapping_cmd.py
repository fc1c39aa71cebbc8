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
    from landreg.io.mapped_import import add_mapped, map_file

    # The file and the mapping are read first: a bad one leaves no registry behind.
    frame, report = map_file(source, mapping=mapping, fmt=fmt, layer=layer, crs=crs)
    with open_from_cli(registry_path, create=not dry_run) as reg:
        if dry_run:
            add_mapped(reg, frame, report, actor="dry run", dry_run=True, repair=repair)
            click.echo(report.to_text())
            if report.ok:
                click.echo(f"dry run: {report.n_records} plots would be imported; nothing was written")
                return
            click.echo("error: dry run: the import would fail (see above); nothing was written", err=True)
            sys.exit(1)
        with progress_bar(len(frame), "import") as bar:
            ids = add_mapped(
                reg, frame, report, actor=actor or LandregSettings().actor, repair=repair, progress=bar.update
            )
    unmapped = f"; columns not imported: {', '.join(report.unmapped)}" if report.unmapped else ""
    click.echo(f"imported {len(ids)} plots from {source.name} with mapping {report.mapping!r}{unmapped}")
