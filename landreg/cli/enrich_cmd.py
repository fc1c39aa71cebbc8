"""The ``landreg enrich`` command: derived attributes (road access, terrain, hazards) per plot."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import (
    handle_errors,
    layers_option,
    open_from_cli,
    progress_bar,
    registry_option,
    resolve_layers_dir,
)


@click.command("enrich")
@registry_option
@layers_option
@click.option("--force", is_flag=True, help="Recompute every plot, not only changed ones.")
@handle_errors
def enrich_cmd(registry_path: Path | None, layers_dir: Path | None, force: bool) -> None:
    """Compute road access, terrain and hazard shares for plots that changed (or all with --force)."""
    from landreg.enrich import enrich_registry

    layers_dir = resolve_layers_dir(layers_dir)
    with open_from_cli(registry_path) as reg:
        with progress_bar(reg.count_plots(), "enrich") as bar:
            report = enrich_registry(reg, layers_dir=layers_dir, progress=bar.update, force=force)
    click.echo(report.to_text())
