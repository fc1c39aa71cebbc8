"""The analysis commands: ``landreg score``, ``clusters``, ``supply``, ``scenario`` and ``search``.

Each prints a table and writes CSV or GeoJSON (by the extension of ``-o``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import pandas as pd

from landreg.cli.common import (
    handle_errors,
    open_from_cli,
    output_option,
    progress_bar,
    progress_option,
    registry_option,
)
from landreg.cli.engine_opt import engine_options
from landreg.cli.profiles_opt import profiles_option, resolve_profile
from landreg.settings import LandregSettings

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource

_OUTPUT = output_option("Write the table to a .csv, .geojson or .json file.")


def _notice(registry: AnalysisSource, *, layers_dir: Path | None = None) -> Any:
    """What is synthetic in the registry's plots, prices, business areas and enrichment layers (the data analysed)."""
    from landreg.provenance import registry_synthetic_summary

    return registry_synthetic_summary(registry, layers_dir=layers_dir or LandregSettings().layers_dir)


def _write(
    frame: pd.DataFrame, path: Path | None, *, payload: dict[str, Any] | None = None, notice: Any = None
) -> None:
    """Say what is synthetic (``notice``, nothing when none is); write the result's JSON (``.json``, with the
    notice as ``synthetic``), else the table through :func:`landreg.io.write.write_table`."""
    if notice is not None and notice.any_synthetic:
        click.echo(notice.text())
    if path is None:
        return
    if payload is not None and notice is not None:
        payload = {**payload, "synthetic": notice.to_dict()}
    if path.suffix.lower() == ".json" and payload is not None:
        path.write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    else:
        from landreg.io.write import write_table

        write_table(frame, path)
    click.echo(f"wrote {path}", err=True)


def _table(frame: pd.DataFrame, columns: list[str], *, n: int | None = 20) -> str:
    cols = [c for c in columns if c in frame.columns]
    shown = pd.DataFrame(frame[cols]).head(n) if n else pd.DataFrame(frame[cols])
    return shown.round(2).to_string(index=False)


def _enriched(registry_path: Path | None) -> tuple[Any, Any, Any]:
    from landreg.analysis import load_enriched_plots

    with open_from_cli(registry_path) as reg:
        return load_enriched_plots(reg), reg.load_business_areas(), _notice(reg)


@click.command("score")
@registry_option
@click.option("--profile", default="general", show_default=True, help="logistics, manufacturing, office or general.")
@profiles_option
@click.option("--weights", default=None, help="User weights, e.g. price=30,size=10 (0 drops a criterion).")
@click.option(
    "--status",
    default="available,planned,locked",
    show_default=True,
    help="Comma-separated statuses to score (or 'all').",
)
@click.option(
    "--sensitivity",
    "n_draws",
    type=click.IntRange(min=0),
    default=0,
    help="Monte Carlo draws over the weights (0 = off).",
)
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@click.option("--top", type=click.IntRange(min=1), default=20, show_default=True)
@_OUTPUT
@engine_options
@progress_option
@handle_errors
def score_cmd(
    registry_path: Path | None,
    profile: str,
    profiles_file: Path | None,
    weights: str | None,
    status: str,
    n_draws: int,
    seed: int,
    top: int,
    output: Path | None,
    engine: str,
    scheduler: str | None,
    n_workers: int,
) -> None:
    """Attractiveness scores 0–100 with contributions, ranks and percentiles.

    With --engine dask the plots are scored in spatial partitions on a dask cluster and ranked
    over all of them; the scores are the same.
    """
    from landreg.analysis import score_registry
    from landreg.engine import open_engine
    from landreg.scoring import parse_weights

    options: dict[str, Any] = {
        "profile": resolve_profile(profile, profiles_file),
        "weights": parse_weights(weights),
        "statuses": None if status == "all" else status.split(","),
    }
    # A table (or none) keeps only the ranked columns per plot; its full rows are made again a page at
    # a time as they are written (landreg.results.ordered), so memory does not grow with every column.
    from landreg.results.ordered import RANKED_COLUMNS

    ranked_only = output is None or output.suffix.lower() == ".csv"
    with open_engine(engine, scheduler=scheduler, n_workers=n_workers) as runner, open_from_cli(registry_path) as reg:
        with progress_bar(None, "score", unit="steps") as bar:
            if runner is None:
                result = score_registry(reg, **options, columns=RANKED_COLUMNS if ranked_only else None)
            else:
                from landreg.engine.score import score_registry_distributed

                result = score_registry_distributed(reg, engine=runner, **options)
            bar.update(1)
            notice = _notice(reg)
            bar.update(1)
        from landreg.cli.score_report import report_scores

        report_scores(
            result, output=output, n_draws=n_draws, seed=seed, top=top, notice=notice, registry=reg, **options
        )


@click.command("clusters")
@registry_option
@click.option("--industry", default="", help="NACE codes of the industry whose good neighbours count, e.g. 46.72.")
@click.option(
    "--gap-m",
    type=click.FloatRange(min=0, max=500),
    default=None,
    help="Plots within this gap form one block (default 10 m).",
)
@click.option("--hotspots/--no-hotspots", default=True, show_default=True, help="Also run the price hot-spot test.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True)
@_OUTPUT
@handle_errors
def clusters_cmd(
    registry_path: Path | None, industry: str, gap_m: float | None, hotspots: bool, seed: int, output: Path | None
) -> None:
    """Cluster scores per business area (blocks, occupancy, industry mix, co-location), hot spots."""
    from landreg.clusters import DEFAULT_GAP_M, cluster_scores, find_density_clusters, price_hotspots
    from landreg.clusters.industries import validate_nace_codes

    codes = list(validate_nace_codes(c for c in industry.split(",") if c.strip()))
    plots, areas, notice = _enriched(registry_path)
    result = cluster_scores(
        plots, areas=areas, industry_nace=codes, gap_m=gap_m if gap_m is not None else DEFAULT_GAP_M
    )
    click.echo(
        _table(
            result.areas.sort_values("largest_block_daa", ascending=False),
            [
                "area_id",
                "total_daa",
                "available_daa",
                "locked_daa",
                "largest_block_daa",
                "occupancy",
                "n_firms",
                "top_divisions",
                "colocation_quotient",
                "synergy_score",
                "motorway_junction_median_min",
            ],
            n=None,
        )
    )
    dens = find_density_clusters(plots, weight=plots["area_m2"].to_numpy() / 1000)
    click.echo(
        f"density clusters (DBSCAN, >= {dens.params['min_weight']:.0f} daa within {dens.params['eps_m']:.0f} m):"
        f" {len(dens.clusters)} clusters, {int((dens.labels < 0).sum())} plots outside"
    )
    payload = result.to_dict()
    if hotspots:
        hot = price_hotspots(plots, seed=seed)
        counts = hot.frame["gi_class"].value_counts().to_dict()
        click.echo(f"price hot spots (Gi*, k={hot.params['k']}, FDR {hot.params['alpha']}): {counts}")
        payload["hotspots"] = hot.to_dict()
    _write(result.areas, output, payload=payload, notice=notice)


def _uptake(text: str | None) -> dict[str, float] | None:
    if not text:
        return None
    out = {}
    for part in text.split(","):
        key, _, value = part.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            raise click.BadParameter(
                f"{part.strip()!r}: expected municipality=daa per year, e.g. 5001=60 or Trondheim=60",
                param_hint="--uptake-by-municipality",
            ) from None
    return out


@click.command("supply")
@registry_option
@click.option("--profile", default="general", show_default=True)
@profiles_option
@click.option(
    "--uptake-daa-per-year",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Regional yearly uptake (daa).",
)
@click.option("--uptake-by-municipality", default=None, help="e.g. 5001=60,5031=15 (daa per year).")
@click.option("--by", type=click.Choice(["municipality", "area"]), default="municipality", show_default=True)
@_OUTPUT
@handle_errors
def supply_cmd(
    registry_path: Path | None,
    profile: str,
    profiles_file: Path | None,
    uptake_daa_per_year: float | None,
    uptake_by_municipality: str | None,
    by: str,
    output: Path | None,
) -> None:
    """Decares by status and effective decares (discounted by score, readiness, contiguity)."""
    from landreg.analysis import compute_registry_supply

    with open_from_cli(registry_path) as reg:
        result = compute_registry_supply(
            reg,
            profile=resolve_profile(profile, profiles_file),
            uptake_daa_per_year=uptake_daa_per_year,
            uptake_by_municipality=_uptake(uptake_by_municipality),
            with_plots=False,
        )
        notice = _notice(reg)
    frame = result.municipalities if by == "municipality" else result.areas
    click.echo(
        _table(
            frame,
            [
                "municipality_no",
                "municipality_name",
                "business_area_id",
                "available_daa",
                "planned_daa",
                "locked_daa",
                "supply_daa",
                "effective_daa",
                "attractive_daa",
                "effective_share",
                "years_nominal",
                "years_effective",
            ],
            n=None,
        )
    )
    click.echo(result.to_text())
    _write(frame, output, payload=result.to_dict(), notice=notice)


@click.command("scenario")
@registry_option
@click.argument("name", required=False)
@click.option("--list", "list_only", is_flag=True, help="List the scenario names.")
@click.option("--profile", default="general", show_default=True)
@profiles_option
@click.option(
    "--layers",
    "layers_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder with layers.toml (default: $LANDREG_LAYERS_DIR or ./layers).",
)
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@_OUTPUT
@handle_errors
def scenario_cmd(
    registry_path: Path | None,
    name: str | None,
    list_only: bool,
    profile: str,
    profiles_file: Path | None,
    layers_dir: Path | None,
    top: int,
    output: Path | None,
) -> None:
    """Run a scenario (decision outcome, road project, relocation; combine with '+') without changing the registry."""
    from landreg.analysis import list_registry_scenarios, run_registry_scenario

    layers_dir = layers_dir or LandregSettings().layers_dir
    with open_from_cli(registry_path) as reg:
        if list_only or not name:
            for item in list_registry_scenarios(reg):
                click.echo(f"{item['name']:<48} {item['description']}")
            return
        report = run_registry_scenario(
            reg, name, layers_dir=layers_dir, profile=resolve_profile(profile, profiles_file)
        )
        notice = _notice(reg, layers_dir=layers_dir)
    click.echo(report.to_text(top=top))
    _write(report.plots, output, payload=report.to_dict(), notice=notice)


@click.command("search")
@registry_option
@click.option("--min-daa", type=click.FloatRange(min=0), default=None)
@click.option("--max-daa", type=click.FloatRange(min=0, min_open=True), default=None)
@click.option("--zoning", default="", help="Accepted zoning, comma-separated (e.g. industry,heavy_industry).")
@click.option("--max-minutes", "max_minutes", multiple=True, help="target=minutes, e.g. port=25 (repeatable).")
@click.option("--max-price", "max_price", type=click.FloatRange(min=0, min_open=True), default=None, help="NOK/m².")
@click.option("--max-quick-clay-share", type=click.FloatRange(0, 1), default=None)
@click.option("--max-flood-share", type=click.FloatRange(0, 1), default=None)
@click.option("--no-unchecked-hazards", is_flag=True, help="Refuse plots where a hazard was not mapped.")
@click.option("--profile", default="general", show_default=True)
@profiles_option
@click.option("--industry", default="", help="NACE codes of the firm (default: the relocating firm's).")
@click.option("--relocating", default=None, help="A firm moving out of its plots, e.g. 'Norsk Stål'.")
@click.option(
    "--move-to", default=None, help="Site id the relocating firm moves to (default: the best); it is taken up."
)
@click.option("--municipality", default="", help="Kommunenummer or names, comma-separated (e.g. Trondheim,5028).")
@click.option("--area", "business_area", default="", help="Business area ids or names, comma-separated (torgard).")
@click.option("--single-plots", is_flag=True, help="Do not combine adjacent plots into one site.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True)
@_OUTPUT
@handle_errors
def search_cmd(
    registry_path: Path | None,
    min_daa: float | None,
    max_daa: float | None,
    zoning: str,
    max_minutes: tuple[str, ...],
    max_price: float | None,
    max_quick_clay_share: float | None,
    max_flood_share: float | None,
    no_unchecked_hazards: bool,
    profile: str,
    profiles_file: Path | None,
    industry: str,
    relocating: str | None,
    move_to: str | None,
    municipality: str,
    business_area: str,
    single_plots: bool,
    top: int,
    output: Path | None,
) -> None:
    """Ranked sites for a firm's requirements, with reasons; a relocating firm's plots count back into supply."""
    from landreg.analysis import search_registry
    from landreg.enrich import DEFAULT_TARGETS
    from landreg.scoring.profiles import load_definitions
    from landreg.search import SiteRequirements

    targets = [t.name for t in DEFAULT_TARGETS]
    minutes: dict[str, float] = {}
    for item in ",".join(max_minutes).split(","):
        if item.strip():
            key, _, value = (part.strip() for part in item.partition("="))
            if key not in targets:
                raise click.BadParameter(
                    f"{item!r}: unknown destination {key!r}; expected target=minutes with target one of: "
                    f"{', '.join(targets)} (e.g. port=25)",
                    param_hint="--max-minutes",
                )
            try:
                minutes[key] = float(value)
            except ValueError:
                raise click.BadParameter(
                    f"{item!r}: expected target=minutes with minutes a number, e.g. port=25",
                    param_hint="--max-minutes",
                ) from None
    req = SiteRequirements(
        min_daa=min_daa,
        max_daa=max_daa,
        zoning=[z for z in zoning.split(",") if z],
        max_minutes=minutes,
        max_price_nok_m2=max_price,
        max_quick_clay_share=max_quick_clay_share,
        max_flood_share=max_flood_share,
        allow_unchecked_hazards=not no_unchecked_hazards,
        profile=profile,
        industry_nace=[c for c in industry.split(",") if c],
        relocating=relocating,
        move_to=move_to,
        municipality_no=[m.strip() for m in municipality.split(",") if m.strip()],
        business_area_id=[a.strip() for a in business_area.split(",") if a.strip()],
        combine_adjacent=not single_plots,
    )
    with open_from_cli(registry_path) as reg:
        definitions = None if profiles_file is None else load_definitions(profiles_file)
        result = search_registry(reg, requirements=req, profiles=definitions)
        notice = _notice(reg)
    click.echo(result.to_text(top=top))
    _write(result.sites, output, payload=result.to_dict(), notice=notice)


ANALYSIS_COMMANDS = (score_cmd, clusters_cmd, supply_cmd, scenario_cmd, search_cmd)
