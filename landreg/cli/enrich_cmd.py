"""The ``landreg enrich`` command: derived attributes (road access, terrain, hazards) per plot."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import handle_errors, open_from_cli, progress_bar, registry_option
from landreg.settings import LandregSettings


@click.command("enrich")
@registry_option
@click.option("--layers", "layers_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder with layers.toml (default: $LANDREG_LAYERS_DIR or ./layers).")
@click.option("--force", is_flag=True, help="Recompute every plot, not only changed ones.")
@handle_errors
def enrich_cmd(registry_path: Path | None, layers_dir: Path | None, force: bool) -> None:
    """Compute road access, terrain and hazard shares for plots that changed (or all with --force)."""
    from landreg.enrich import enrich_registry

    layers_dir = layers_dir or LandregSettings().layers_dir
    with open_from_cli(registry_path) as reg:
        with progress_bar(reg.count_plots(), "enrich") as bar:
            report = enrich_registry(reg, layers_dir=layers_dir, progress=bar.update, force=force)
    click.echo(report.to_text())
