"""Registry commands: init, import, export, query, show, history, end, schema, summary."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

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
    resolve_registry_file,
)
from landreg.model.enums import PlotStatus, Readiness, Zoning
from landreg.settings import LandregSettings

if TYPE_CHECKING:
    from landreg.model.plot import Plot
    from landreg.registry.base import PlotStore

_TABLE_COLUMNS = [
    "code",
    "name",
    "municipality_name",
    "status",
    "zoning",
    "readiness",
    "area_daa",
    "price_min_nok_m2",
    "price_max_nok_m2",
    "plot_id",
]


@click.command("init")
@registry_option
@layers_option
@click.option("--force", is_flag=True, help="Replace an existing registry file.")
@click.option("--no-enrich", is_flag=True, help="Skip computing road access, terrain and hazards.")
@handle_errors
def init_cmd(registry_path: Path | None, layers_dir: Path | None, force: bool, no_enrich: bool) -> None:
    """Build a registry from the bundled layers (and enrich it), then print its summary.

    The registry is built in a temporary file beside the target and moved into
    place only when complete, so a failed build never leaves a half-made registry.
    """
    from landreg.layers.build import create_registry_from_layers

    path = resolve_registry_file(registry_path)
    if path.exists() and not force:
        raise FileExistsError(f"{path} already exists; use --force to rebuild it")
    created = create_registry_from_layers(
        path, layers_dir=resolve_layers_dir(layers_dir), enrich=not no_enrich, overwrite=force, actor="landreg init"
    )
    click.echo(f"registry {path}")
    click.echo(created.summary.to_text())
    if created.enrich is not None:
        click.echo(f"enriched {created.enrich.n_computed} plots: {created.enrich.network}")


@click.command("import")
@registry_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, help="geojson, gpkg, shapefile, shapefile-zip, csv, geoparquet.")
@click.option("--layer", default=None, help="Layer to read from a GeoPackage.")
@click.option("--crs", default=None, help="CRS of the file when it declares none (e.g. EPSG:25832).")
@click.option("--repair", is_flag=True, help="Repair invalid geometries instead of rejecting them.")
@click.option("--actor", default=None, help="Name recorded in the history.")
@click.option(
    "--mapping",
    default=None,
    help="Map the file's columns and values: a built-in mapping (kommune-no, sosi-arealformal) or a TOML file.",
)
@click.option(
    "--dry-run", is_flag=True, help="Report what would be imported (columns, values, problems); write nothing."
)
@progress_option
@handle_errors
def import_cmd(
    registry_path: Path | None,
    source: Path,
    fmt: str | None,
    layer: str | None,
    crs: str | None,
    repair: bool,
    actor: str | None,
    mapping: str | None,
    dry_run: bool,
) -> None:
    """Import plots from SOURCE, all or nothing."""
    from landreg.io import read_plots

    if mapping is not None or dry_run:
        from landreg.cli.mapping_cmd import run_mapped_import

        run_mapped_import(
            registry_path,
            source,
            mapping=mapping,
            dry_run=dry_run,
            fmt=fmt,
            layer=layer,
            crs=crs,
            repair=repair,
            actor=actor,
        )
        return
    with open_from_cli(registry_path, create=True) as reg:
        frame = read_plots(source, fmt=fmt, layer=layer, crs=crs)
        if "provenance" not in frame.columns:  # the file records no provenance: the import is its source
            import datetime as dt

            from landreg.provenance import imported_provenance

            prov = imported_provenance(file=source.name, mapping=None, day=dt.date.today())
            frame["provenance"] = [prov] * len(frame)
        with progress_bar(len(frame), "import") as bar:
            ids = reg.add_plots(
                frame, actor=actor or LandregSettings().actor, repair=repair, progress=bar.update, context=source.name
            )
    click.echo(f"imported {len(ids)} plots from {source.name}")


def _values(enum: type[StrEnum]) -> str:
    return ", ".join(e.value for e in enum)


def _query_options(func):
    opts = [
        click.option(
            "--municipality",
            "municipality_no",
            default=None,
            help="Municipalities by kommunenummer or name, comma-separated (e.g. 5001,Stjørdal).",
        ),
        click.option("--status", default=None, help=f"Status(es), comma-separated: {_values(PlotStatus)}."),
        click.option("--zoning", default=None, help=f"Zoning purpose(s), comma-separated: {_values(Zoning)}."),
        click.option("--readiness", default=None, help=f"Readiness, comma-separated: {_values(Readiness)}."),
        click.option(
            "--area",
            "business_area_id",
            default=None,
            help="Business areas by id or name, comma-separated (e.g. Torgård).",
        ),
        click.option("--min-daa", type=click.FloatRange(min=0), default=None, help="Smallest area in decares."),
        click.option(
            "--max-daa", type=click.FloatRange(min=0, min_open=True), default=None, help="Largest area in decares."
        ),
        click.option(
            "--max-price",
            type=click.FloatRange(min=0),
            default=None,
            help="Highest asking price, NOK/m² (plots without an asking price are left out).",
        ),
        click.option(
            "--min-price",
            type=click.FloatRange(min=0),
            default=None,
            help="Lowest asking price, NOK/m² (plots without an asking price are left out).",
        ),
        click.option("--bbox", default=None, help="minx,miny,maxx,maxy in --bbox-crs (plots intersecting the box)."),
        click.option(
            "--bbox-crs",
            default="EPSG:25832",
            show_default=True,
            help="CRS of --bbox, e.g. EPSG:4326 for lon,lat (longitude first).",
        ),
        click.option("--include-ended", is_flag=True, help="Include ended plots."),
        click.option("--as-of", default=None, help="Read the registry as recorded at this time (ISO 8601)."),
        click.option("--limit", type=click.IntRange(min=1), default=None),
    ]
    for opt in reversed(opts):
        func = opt(func)
    return func


def _build_query(kw: dict):
    """The registry query from the filter options; warns on stderr when the bbox misses the region."""
    import datetime as dt

    from landreg.registry.query import PlotQuery, bbox_region_warning

    min_daa, max_daa = kw.pop("min_daa"), kw.pop("max_daa")
    min_price, max_price = kw.pop("min_price"), kw.pop("max_price")
    as_of = kw.pop("as_of")
    if as_of is not None:
        try:
            as_of = dt.datetime.fromisoformat(as_of.replace("Z", "+00:00"))
        except ValueError:
            raise click.BadParameter(
                f"{as_of!r} is not an ISO 8601 time; expected e.g. 2026-01-01T00:00:00Z", param_hint="--as-of"
            ) from None
    query = PlotQuery.build(
        **kw,
        min_area_m2=None if min_daa is None else min_daa * 1000,
        max_area_m2=None if max_daa is None else max_daa * 1000,
        min_price_nok_m2=min_price,
        max_price_nok_m2=max_price,
        as_of=as_of,
    )
    warning = bbox_region_warning(
        query, lonlat_hint="add --bbox-crs EPSG:4326", other_hint="check --bbox and --bbox-crs"
    )
    if warning is not None:
        click.echo(f"warning: --bbox {kw['bbox']}: {warning}", err=True)
    return query


@click.command("query")
@registry_option
@_query_options
@output_option("Write the result to a file (format from the suffix).")
@click.option("--json", "as_json", is_flag=True, help="Print GeoJSON (CRS84) instead of a table.")
@handle_errors
def query_cmd(registry_path: Path | None, output: Path | None, as_json: bool, **kw: object) -> None:
    """List plots matching the filters (areas shown in decares)."""
    from landreg.io.geojson import frame_to_feature_collection
    from landreg.io.write import write_plots
    from landreg.registry.query import resolve_business_areas

    query = _build_query(dict(kw))
    with open_from_cli(registry_path) as reg:
        frame = reg.query_plots(resolve_business_areas(query, areas=reg.load_business_areas()))
    if output is not None:
        write_plots(frame, output)
        click.echo(f"wrote {len(frame)} plots to {output}")
    elif as_json:
        click.echo(json.dumps(frame_to_feature_collection(frame.to_crs("OGC:CRS84")), ensure_ascii=False))
    else:
        frame["area_daa"] = (frame["area_m2"] / 1000).round(1)
        click.echo(frame[_TABLE_COLUMNS].to_string(index=False) if len(frame) else "no plots match")
        click.echo(f"{len(frame)} plots, {frame['area_m2'].sum() / 1000:,.1f} daa")
        from landreg.provenance import summarize_synthetic

        notice = summarize_synthetic(frame)  # what of the plots listed is synthetic; nothing when none is
        if notice.any_synthetic:
            click.echo(notice.text())


@click.command("export")
@registry_option
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", default=None, help="Format (default from the suffix).")
@click.option("--crs", default=None, help="Output CRS (default CRS84 for GeoJSON, EPSG:25832 otherwise).")
@_query_options
@progress_option
@handle_errors
def export_cmd(registry_path: Path | None, target: Path, fmt: str | None, crs: str | None, **kw: object) -> None:
    """Export plots matching the filters to TARGET.

    GeoJSON, GeoJSON sequences (.geojsonl, or .geojsons with RFC 8142 record separators),
    GeoPackage and CSV are written a page of plots at a time, so memory stays small at any size.
    """
    from landreg.io import export_plots
    from landreg.registry.query import resolve_business_areas

    query = _build_query(dict(kw))
    with open_from_cli(registry_path) as reg:
        query = resolve_business_areas(query, areas=reg.load_business_areas())
        with progress_bar(reg.count_plots(query), "export") as bar:
            n = export_plots(reg, target, query=query, fmt=fmt, crs=crs, progress=bar.update)
    click.echo(f"exported {n} plots to {target}")


def _resolve(reg: PlotStore, ref: str) -> Plot:
    """The live plot with id or code ``ref``; the error says where it was looked for and what to do."""
    from landreg.errors import PlotNotFoundError

    try:
        return reg.get_plot(ref)
    except PlotNotFoundError:
        pass
    try:
        return reg.get_plot_by_code(ref)
    except PlotNotFoundError:
        raise PlotNotFoundError(
            f"no plot with id or code {ref!r} in {reg.label}; `landreg query` lists the plots and their codes"
        ) from None


@click.command("show")
@registry_option
@click.argument("plot")
@handle_errors
def show_cmd(registry_path: Path | None, plot: str) -> None:
    """Show one plot (by id or code) with all its fields."""
    with open_from_cli(registry_path) as reg:
        p = _resolve(reg, plot)
        prices = reg.price_history(p.plot_id)
    data = p.model_dump(mode="json")
    data["area_daa"] = round(p.area_daa, 2)
    width = max(len(k) for k in data)
    for key, value in data.items():
        click.echo(
            f"{key:<{width}}  {json.dumps(value, ensure_ascii=False) if isinstance(value, (list, dict)) else value}"
        )
    if len(prices):
        click.echo(f"price history ({len(prices)} observations):")
        click.echo(prices.drop(columns=["plot_id", "recorded_at", "recorded_by"]).to_string(index=False))


@click.command("history")
@registry_option
@click.argument("plot")
@handle_errors
def history_cmd(registry_path: Path | None, plot: str) -> None:
    """Every version of a plot (by id or code): who changed what, when, before and after."""
    with open_from_cli(registry_path) as reg:
        p = _resolve(reg, plot)
        hist = reg.plot_history(p.plot_id)
    for rec in hist.to_dict(orient="records"):
        click.echo(
            f"v{rec['version']}  {rec['recorded_at']}  {rec['op']:<6}  by {rec['actor']}"
            + (f"  ({rec['note']})" if rec["note"] else "")
        )
        for f in rec["changed_fields"]:
            before = (rec["before"] or {}).get(f)
            after = (rec["after"] or {}).get(f)
            click.echo(f"      {f}: {before!r} -> {after!r}" if f != "geometry" else "      geometry changed")


@click.command("end")
@registry_option
@click.argument("plot")
@click.option(
    "--version", "expected_version", type=click.IntRange(min=1), required=True, help="The version you are ending."
)
@click.option("--reason", default=None, help="Why the plot ends (recorded in history).")
@click.option("--actor", default=None)
@handle_errors
def end_cmd(
    registry_path: Path | None, plot: str, expected_version: int, reason: str | None, actor: str | None
) -> None:
    """End a plot (it is kept with valid_to set, never deleted)."""
    with open_from_cli(registry_path) as reg:
        p = _resolve(reg, plot)
        ended = reg.end_plot(
            p.plot_id, expected_version=expected_version, actor=actor or LandregSettings().actor, reason=reason
        )
    assert ended.valid_to is not None  # an ended plot has its end time
    click.echo(f"ended {ended.code} ({ended.plot_id}) at {ended.valid_to.isoformat()}; version {ended.version}")


@click.command("schema")
@output_option("Write the schema to this file instead of printing it.")
def schema_cmd(output: Path | None) -> None:
    """Print (or write) the JSON Schema of a plot."""
    from landreg.model import plot_json_schema

    text = json.dumps(plot_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


@click.command("summary")
@registry_option
@layers_option
@handle_errors
def summary_cmd(registry_path: Path | None, layers_dir: Path | None) -> None:
    """Summarise the registry: plots and decares by status and municipality, and what is synthetic.

    The layers the stored enrichment used count when their layers.toml is found (--layers).
    """
    from landreg.registry import summarize_registry

    layers: Path | None = resolve_layers_dir(layers_dir)
    if layers_dir is None and layers is not None and not (layers / "layers.toml").is_file():
        layers = None
    with open_from_cli(registry_path) as reg:
        click.echo(summarize_registry(reg, layers_dir=layers).to_text())
