"""``landreg map overview|plots|scenario … -o FILE.html``: standalone map files (plugged into the landreg CLI).

Registered through the ``landreg.commands`` entry point (``map = "maps.cli:map_group"``),
so the core never imports the map layer.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from landreg.cli.common import (
    handle_errors,
    layers_option,
    open_from_cli,
    output_option,
    progress_bar,
    progress_option,
    registry_option,
    resolve_layers_dir,
)
from landreg.cli.profiles_opt import profiles_option, resolve_profile

F = TypeVar("F", bound=Callable[..., Any])
PROFILES = ("general", "logistics", "manufacturing", "office")


def _common(func: F) -> F:
    """``--registry``, ``--layers``, ``--profile``, ``--online-tiles/--no-online-tiles`` and ``-o``."""
    func = output_option("HTML file to write (standalone: works offline, from file://).", required=True)(func)
    func = click.option(
        "--web-tiles/--no-web-tiles",
        default=True,
        show_default=True,
        help="Offer the online base map as an extra layer (off until ticked).",
    )(func)
    func = click.option(
        "--profile", default="general", show_default=True, help=f"Scoring profile ({', '.join(PROFILES)})."
    )(func)
    func = click.option(
        "--lang",
        type=click.Choice(["nb", "en"]),
        default="nb",
        show_default=True,
        help="Language of the map's texts: bokmål or English.",
    )(func)
    return layers_option(registry_option(func))


def _write(m: Any, output: Path) -> None:
    output.parent.mkdir(parents=True, exist_ok=True)
    m.save(str(output))
    click.echo(f"wrote {output} ({output.stat().st_size / 1e6:.2f} MB)", err=True)


@click.group("map")
def map_group() -> None:
    """Maps as standalone HTML files (Leaflet inlined, no internet needed)."""


@map_group.command("overview")
@_common
@click.option(
    "--value",
    default="effective_daa",
    show_default=True,
    help="Business-area statistic that colours the areas (e.g. available_daa, mean_score).",
)
@progress_option
@handle_errors
def overview_cmd(
    registry_path: Path | None,
    layers_dir: Path | None,
    lang: str,
    profile: str,
    web_tiles: bool,
    output: Path,
    value: str,
) -> None:
    """Regional overview: business areas with cluster scores and effective supply, roads, railways."""
    from maps.from_registry import overview_map_from_registry

    with open_from_cli(registry_path) as reg, progress_bar(None, "map overview", unit="steps") as bar:
        bar.set_postfix_str("score and draw")
        m = overview_map_from_registry(
            reg,
            layers_dir=resolve_layers_dir(layers_dir),
            profile=profile,
            value=value,
            web_tiles=web_tiles,
            lang=lang,
        )
        bar.update(1)
    _write(m, output)


@map_group.command("plots")
@_common
@profiles_option
@click.option("--color-by", type=click.Choice(["score", "price", "status"]), default="score", show_default=True)
@click.option("--status", multiple=True, help="Draw only plots with this status (repeatable).")
@click.option("--municipality-no", multiple=True, help="Draw only plots in this municipality (repeatable).")
@click.option(
    "--isochrones",
    "isochrone_target",
    default=None,
    help="Draw 10/20/30-minute isochrones to this target (port, airport, trondheim_s, freight_terminal, "
    "motorway_junction, city_centre).",
)
@click.option(
    "--price-layers/--no-price-layers",
    default=True,
    show_default=True,
    help="Add the price surface and price hot-spot layers.",
)
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Draw at most N plots, the best ranked first.")
@click.option("--bbox", default=None, help="Draw only plots intersecting minx,miny,maxx,maxy (in --bbox-crs).")
@click.option(
    "--bbox-crs",
    default="EPSG:25832",
    show_default=True,
    help="CRS of --bbox, e.g. EPSG:4326 for lon,lat (longitude first).",
)
@progress_option
@handle_errors
def plots_cmd(
    registry_path: Path | None,
    layers_dir: Path | None,
    lang: str,
    profile: str,
    web_tiles: bool,
    output: Path,
    profiles_file: Path | None,
    color_by: str,
    status: tuple[str, ...],
    municipality_no: tuple[str, ...],
    isochrone_target: str | None,
    price_layers: bool,
    limit: int | None,
    bbox: str | None,
    bbox_crs: str,
) -> None:
    """Plots coloured by score, price or status; popups with the score breakdown.

    --limit and --bbox draw part of a large registry (scores and ranks stay regional).
    """
    from maps.from_registry import plot_map_from_registry

    with open_from_cli(registry_path) as reg, progress_bar(None, "map plots", unit="steps") as bar:

        def step(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        m = plot_map_from_registry(
            reg,
            layers_dir=resolve_layers_dir(layers_dir),
            profile=resolve_profile(profile, profiles_file),
            color_by=color_by,
            status=status or None,
            municipality_no=municipality_no or None,
            isochrone_target=isochrone_target,
            price_layers=price_layers,
            limit=limit,
            bbox=bbox,
            bbox_crs=bbox_crs,
            progress=step,
            web_tiles=web_tiles,
            lang=lang,
        )
    _write(m, output)


@map_group.command("scenario")
@_common
@click.argument("name")
@progress_option
@handle_errors
def scenario_cmd(
    registry_path: Path | None,
    layers_dir: Path | None,
    lang: str,
    profile: str,
    web_tiles: bool,
    output: Path,
    name: str,
) -> None:
    """What scenario NAME changes (e.g. torgard-terminal-built, road:torgard_access)."""
    from maps.from_registry import scenario_map_from_registry

    with open_from_cli(registry_path) as reg, progress_bar(None, "map scenario", unit="steps") as bar:
        bar.set_postfix_str("run and draw")
        m = scenario_map_from_registry(
            reg,
            name,
            layers_dir=resolve_layers_dir(layers_dir),
            profile=profile,
            web_tiles=web_tiles,
            lang=lang,
        )
        bar.update(1)
    _write(m, output)
