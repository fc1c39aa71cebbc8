"""The ``landreg enrich`` command: derived attributes (road access, terrain, hazards) per plot."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import (
    handle_errors,
    layers_option,
    open_from_cli,
    progress_bar,
    progress_option,
    registry_option,
    resolve_layers_dir,
)
from landreg.cli.engine_opt import engine_options


@click.command("enrich")
@registry_option
@layers_option
@click.option("--force", is_flag=True, help="Recompute every plot, not only changed ones.")
@engine_options
@progress_option
@handle_errors
def enrich_cmd(
    registry_path: Path | None,
    layers_dir: Path | None,
    force: bool,
    engine: str,
    scheduler: str | None,
    n_workers: int,
) -> None:
    """Compute road access, terrain and hazard shares for plots that changed (or all with --force).

    With --engine dask the plots are enriched in spatial partitions on a dask cluster (a local
    one of --workers processes, or the scheduler at --scheduler); the results are the same.
    """
    from landreg.engine import open_engine
    from landreg.enrich import enrich_registry

    layers_dir = resolve_layers_dir(layers_dir)
    with open_engine(engine, scheduler=scheduler, n_workers=n_workers) as runner, open_from_cli(registry_path) as reg:
        with progress_bar(reg.count_plots(), "enrich") as bar:
            report = enrich_registry(reg, layers_dir=layers_dir, progress=bar.update, force=force, engine=runner)
    click.echo(report.to_text())
