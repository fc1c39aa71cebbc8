"""``landreg split`` and ``landreg merge``: change plot boundaries with lineage and history."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import handle_errors, open_from_cli, registry_option
from landreg.settings import LandregSettings

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.command("split")
@registry_option
@click.argument("plot")
@click.option("--by", "line_file", type=_FILE, default=None, help="File with the cutting line (LineString).")
@click.option("--parts", "parts_file", type=_FILE, default=None, help="File with the parts (Polygons tiling the plot).")
@click.option(
    "--version", "expected_version", type=click.IntRange(min=1), required=True, help="The version you are splitting."
)
@click.option("--codes", default=None, help="Codes of the new plots, comma-separated (default CODE-1, CODE-2 …).")
@click.option("--crs", default=None, help="CRS of the file's coordinates when it declares none.")
@click.option("--actor", default=None, help="Name recorded in the history.")
@handle_errors
def split_cmd(
    registry_path: Path | None,
    plot: str,
    line_file: Path | None,
    parts_file: Path | None,
    expected_version: int,
    codes: str | None,
    crs: str | None,
    actor: str | None,
) -> None:
    """Split PLOT (code or id) by a line (--by) or into given parts (--parts).

    The plot ends; each part becomes a new plot with the same attributes and
    previously_part_of naming it (see `landreg history`).
    """
    from landreg.edits import read_features, split_plot_from_frame

    if (line_file is None) == (parts_file is None):
        raise click.UsageError("give either --by LINE_FILE or --parts PARTS_FILE")
    blade = read_features(line_file, crs=crs) if line_file is not None else None
    parts = read_features(parts_file, crs=crs) if parts_file is not None else None
    code_list = [c.strip() for c in codes.split(",") if c.strip()] if codes else None
    with open_from_cli(registry_path) as reg:
        children = split_plot_from_frame(
            reg,
            plot,
            expected_version=expected_version,
            actor=actor or LandregSettings().actor,
            blade=blade,
            parts=parts,
            codes=code_list,
        )
    click.echo(f"split {plot} into {len(children)} plots:")
    for c in children:
        click.echo(f"  {c.code}  {c.area_m2 / 1000:,.1f} daa  {c.plot_id}  version {c.version}")


@click.command("merge")
@registry_option
@click.argument("plots", nargs=-1, required=True)
@click.option(
    "--version",
    "versions",
    type=click.IntRange(min=1),
    multiple=True,
    required=True,
    help="The version of each plot, in the same order (repeat: --version 1 --version 3).",
)
@click.option("--code", default=None, help="Code of the merged plot (default FIRSTCODE-M).")
@click.option("--actor", default=None, help="Name recorded in the history.")
@handle_errors
def merge_cmd(
    registry_path: Path | None, plots: tuple[str, ...], versions: tuple[int, ...], code: str | None, actor: str | None
) -> None:
    """Merge touching PLOTS (codes or ids) into one new plot; they end and it records them as lineage."""
    from landreg.edits import merge_plots_by_ref

    with open_from_cli(registry_path) as reg:
        merged = merge_plots_by_ref(
            reg, plots, expected_versions=versions, actor=actor or LandregSettings().actor, code=code
        )
    click.echo(
        f"merged {', '.join(plots)} into {merged.code}  {merged.area_m2 / 1000:,.1f} daa  {merged.plot_id}  "
        f"version {merged.version}"
    )
