"""``landreg prices``: price summaries, index, hedonic model, price surface, cited figures and benchmark comparison."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
import pandas as pd

from landreg.cli.common import (
    handle_errors,
    layers_option,
    open_from_cli,
    output_option,
    registry_option,
    resolve_layers_dir,
)
from landreg.io.write import write_table

F = TypeVar("F", bound=Callable[..., Any])

_FEES = ("included", "excluded", "unknown")


def _selection_options(func: F) -> F:
    """``--kind``, ``--basis``, ``--fees`` and ``--mix``."""
    func = click.option(
        "--mix", is_flag=True, help="Pool several price classes (raw/serviced, fees in/out/unknown) with a warning."
    )(func)
    return _class_options(func)


def _class_options(func: F) -> F:
    """``--kind``, ``--basis`` and ``--fees`` (a command that keeps classes apart needs no ``--mix``)."""
    func = click.option(
        "--fees",
        type=click.Choice(_FEES),
        default=None,
        help="Keep prices with connection fees included, excluded or unknown (not recorded); "
        "index, model and surface take the most common class when left out.",
    )(func)
    func = click.option(
        "--basis",
        type=click.Choice(["raw", "serviced"]),
        default=None,
        help="Price basis; index, model and surface take the most common class when left out.",
    )(func)
    func = click.option("--kind", type=click.Choice(["asking", "transaction"]), default="asking", show_default=True)(
        func
    )
    return func


def _report_warnings(func: F) -> F:
    """Print landreg's warnings (e.g. prices pooled with --mix) as ``warning: <message>`` on stderr."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from landreg.prices import LandregWarning

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", LandregWarning)
            try:
                return func(*args, **kwargs)
            finally:
                for w in caught:
                    if issubclass(w.category, LandregWarning):
                        click.echo(f"warning: {w.message}", err=True)
                    else:
                        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)

    return wrapper  # type: ignore[return-value]


_output_option = output_option("Also write the table to FILE.csv or FILE.xlsx.")


def _echo_table(frame: pd.DataFrame, output: Path | None, *, floatfmt: str = "{:,.1f}") -> None:
    shown = frame.copy()
    for col in shown.columns:
        if pd.api.types.is_float_dtype(shown[col]):
            shown[col] = shown[col].map(lambda v: "" if pd.isna(v) else floatfmt.format(v))
    click.echo(shown.to_string(index=False) if len(shown) else "(no rows)")
    if output is not None:
        click.echo(f"wrote {write_table(frame, output)}", err=True)


def _echo_notice(obs: pd.DataFrame, *, kind: str | None, basis: str | None, fees: str | None) -> None:
    """Say what of the observations used (``select_prices`` of the selection) is synthetic; nothing when none is."""
    from landreg.prices import select_prices
    from landreg.provenance import summarize_synthetic

    notice = summarize_synthetic(price_observations=select_prices(obs, kind=kind, basis=basis, fees=fees))
    if notice.any_synthetic:
        click.echo(notice.text())


def _read_enriched(enriched: Path | None) -> pd.DataFrame | None:
    if enriched is None:
        return None
    return pd.read_parquet(enriched) if enriched.suffix.lower() == ".parquet" else pd.read_csv(enriched)


def _observations(registry_path: Path | None, *, enriched: Path | None = None) -> pd.DataFrame:
    from landreg.prices import load_price_observations

    with open_from_cli(registry_path) as reg:
        return load_price_observations(reg, enriched=_read_enriched(enriched))


def _choose_class(
    obs: pd.DataFrame, *, kind: str, basis: str | None, fees: str | None, mix: bool
) -> tuple[str | None, str | None]:
    """``basis`` and ``fees`` as given, the rest filled with the most common class in ``obs`` (said on stderr).

    With ``--mix`` nothing is filled in: the classes left open are pooled (with a warning).
    """
    from landreg.prices import most_common_price_class

    if mix or (basis is not None and fees is not None):
        return basis, fees
    chosen = most_common_price_class(obs, kind=kind, basis=basis, fees=fees)
    click.echo(
        f"using {chosen.label} (the most common class: {chosen.n_prices} {kind} prices); choose with --basis/--fees",
        err=True,
    )
    return chosen.basis, chosen.fees


@click.group("prices")
def prices_group() -> None:
    """Land prices: summaries, index, hedonic model, price surface and benchmarks."""


@prices_group.command("summary")
@registry_option
@click.option(
    "--by",
    type=click.Choice(["municipality", "business_area", "zoning", "readiness", "year"]),
    default="municipality",
    show_default=True,
)
@_class_options
@_output_option
@handle_errors
def summary_cmd(registry_path, by, kind, basis, fees, output) -> None:
    """Count, decares, median, quartiles and area-weighted mean NOK/m² per group and price class.

    Each price class has its own rows, so nothing is pooled (there is no --mix).
    """
    from landreg.prices import summarize_prices

    obs = _observations(registry_path)
    _echo_table(summarize_prices(obs, by=by, kind=kind, basis=basis, fees=fees), output)
    _echo_notice(obs, kind=kind, basis=basis, fees=fees)


@prices_group.command("index")
@registry_option
@_selection_options
@click.option("--method", type=click.Choice(["time_dummy", "median"]), default="time_dummy", show_default=True)
@click.option(
    "--base-year", type=click.IntRange(1900, 2100), default=None, help="Year = 100 (default: first year with data)."
)
@_output_option
@handle_errors
@_report_warnings
def index_cmd(registry_path, kind, basis, fees, mix, method, base_year, output) -> None:
    """Yearly price index (base year = 100) of one price class (default: the most common one)."""
    from landreg.prices import price_index

    obs = _observations(registry_path)
    basis, fees = _choose_class(obs, kind=kind, basis=basis, fees=fees, mix=mix)
    table = price_index(obs, kind=kind, basis=basis, fees=fees, base_year=base_year, method=method, mix=mix)
    _echo_table(table, output)
    _echo_notice(obs, kind=kind, basis=basis, fees=fees)


@prices_group.command("model")
@registry_option
@_selection_options
@click.option(
    "--enriched",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="CSV or Parquet of per-plot enrichment (plot_id, *_travel_time_s, slope_deg).",
)
@click.option(
    "--plots",
    "plots_output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write predicted vs asking price per plot to FILE.csv/.xlsx.",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Seed of the Moran's I permutations."
)
@_output_option
@handle_errors
@_report_warnings
def model_cmd(registry_path, kind, basis, fees, mix, enriched, plots_output, seed, output) -> None:
    """Hedonic OLS model of log price of one price class (default: the most common one); fit and Moran's I."""
    from landreg.prices import compare_asking_to_model, current_asking_prices, fit_price_model, select_prices

    obs = _observations(registry_path, enriched=enriched)
    basis, fees = _choose_class(obs, kind=kind, basis=basis, fees=fees, mix=mix)
    model = fit_price_model(obs, kind=kind, basis=basis, fees=fees, mix=mix, seed=seed)
    click.echo(model.fit_statistics().to_string(index=False))
    click.echo(f"access term: {model.access_column or 'none'}; slope term: {model.slope_column or 'none'}")
    _echo_table(model.coefficients, output, floatfmt="{:.4g}")
    _echo_notice(obs, kind=kind, basis=basis, fees=fees)
    if plots_output is not None:
        with open_from_cli(registry_path) as reg:
            asking = current_asking_prices(reg.query_plots(), enriched=_read_enriched(enriched))
        asking = select_prices(asking, basis=basis, fees=fees)
        table = compare_asking_to_model(model, asking)
        click.echo(table["flag"].value_counts().to_string())
        click.echo(f"wrote {write_table(table, plots_output)}", err=True)


@prices_group.command("surface")
@registry_option
@_selection_options
@layers_option
@click.option("--pixel-size-m", type=click.FloatRange(min=10, max=10000), default=500.0, show_default=True)
@click.option("--method", type=click.Choice(["idw", "kriging"]), default="idw", show_default=True)
@click.option("--since-year", type=click.IntRange(1900, 2100), default=None, help="Use observations from this year on.")
@output_option("GeoTIFF to write (EPSG:25832).", required=True)
@handle_errors
@_report_warnings
def surface_cmd(registry_path, kind, basis, fees, mix, layers_dir, pixel_size_m, method, since_year, output) -> None:
    """Interpolated NOK/m² surface over the ten Trondheimsregionen municipalities, as a GeoTIFF.

    One price class (default: the most common one); the municipality mask comes from --layers.
    """
    from landreg.prices import (
        build_price_surface,
        ensure_like_for_like,
        plot_price_points,
        region_mask,
        save_price_surface,
        select_prices,
    )
    from landreg.provenance import summarize_synthetic

    obs = _observations(registry_path)
    if since_year is not None:
        obs = obs[obs["year"] >= since_year]
    basis, fees = _choose_class(obs, kind=kind, basis=basis, fees=fees, mix=mix)
    obs = select_prices(obs, kind=kind, basis=basis, fees=fees)
    ensure_like_for_like(obs, mix=mix, what="price surface")
    mask = region_mask(layers_dir=resolve_layers_dir(layers_dir))
    surface = build_price_surface(plot_price_points(obs), mask=mask, pixel_size_m=pixel_size_m, method=method)
    notice = summarize_synthetic(price_observations=obs)  # the observations of the surface's class
    save_price_surface(surface, output, synthetic=notice)
    click.echo(
        f"wrote {output} ({surface.values_nok_m2.shape[1]}x{surface.values_nok_m2.shape[0]} px, "
        f"{surface.pixel_size_m:g} m, {surface.method}, {surface.n_points} plots)"
    )
    if notice.any_synthetic:
        click.echo(notice.text())


@prices_group.command("references")
@click.option("--in-region", is_flag=True, help="Only the figures for the ten municipalities of Trondheimsregionen.")
@_output_option
@handle_errors
def references_cmd(in_region, output) -> None:
    """The cited land-price figures (landreg/prices/references.toml), each with its source and URL."""
    from landreg.prices import load_price_references

    refs = load_price_references()
    if in_region:
        refs = refs[refs["in_region"]]
    _echo_table(refs[["id", "label", "price_type", "basis"]], None)
    click.echo("sources:")
    for _, row in refs.iterrows():
        derived = f" (derived: {row['derivation']})" if row["derived"] else ""
        click.echo(f"  {row['id']}: {row['source']}{derived}")
    if output is not None:
        click.echo(f"wrote {write_table(refs.drop(columns=['label']), output)}", err=True)


def _echo_benchmark_sources(table: pd.DataFrame) -> None:
    """One line per row of a benchmark comparison: where its figure comes from (and its conversion)."""
    click.echo("sources:")
    for _, row in table.iterrows():
        where = " — ".join(part for part in (row["source"], row["url"]) if part)
        conversion = f"; conversion to NOK: {row['conversion']}" if row["conversion"].startswith("missing") else ""
        click.echo(f"  {row['id']}: {where}{conversion}")


@prices_group.command("compare")
@registry_option
@click.option("--with", "with_", default=None, help="Benchmark ids, comma-separated (e.g. copenhagen,gothenburg).")
@click.option(
    "--benchmarks",
    "benchmarks_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="A benchmark table (TOML, the schema of landreg/prices/benchmarks.toml) instead of the bundled one.",
)
@click.option(
    "--by",
    type=click.Choice(["municipality", "business_area", "zoning", "readiness", "year"]),
    default="municipality",
    show_default=True,
)
@click.option("--groups", default=None, help="Two groups of --by to compare, comma-separated (e.g. Skaun,Malvik).")
@click.option("--kind", type=click.Choice(["asking", "transaction"]), default="asking", show_default=True)
@click.option("--basis", type=click.Choice(["raw", "serviced"]), default="serviced", show_default=True)
@click.option(
    "--fees",
    type=click.Choice(_FEES),
    default="included",
    show_default=True,
    help="Connection fees included, excluded or unknown (not recorded).",
)
@click.option("--mix", is_flag=True, help="Pool price classes (with a warning).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True, help="Bootstrap seed.")
@_output_option
@handle_errors
@_report_warnings
def compare_cmd(registry_path, with_, benchmarks_path, by, groups, kind, basis, fees, mix, seed, output) -> None:
    """Compare the region with external benchmarks (--with, --benchmarks) or two groups (--groups).

    Benchmarks come from the bundled table or from --benchmarks FILE (every row of the
    file unless --with names some); each row shows its source and a like-for-like flag.
    """
    from landreg.prices import (
        compare_groups,
        compare_with_benchmarks,
        load_benchmarks,
        region_reference_price,
    )

    if not with_ and not groups and benchmarks_path is None:
        raise click.UsageError("give --with BENCHMARKS, --benchmarks FILE and/or --groups A,B")
    obs = _observations(registry_path)
    tables = []
    if with_ or benchmarks_path is not None:
        bench = load_benchmarks(benchmarks_path)
        ref = region_reference_price(obs, kind=kind, basis=basis, fees=fees, mix=mix)
        table = compare_with_benchmarks(ref, benchmarks=with_.split(",") if with_ else None, table=bench)
        shown = table[["id", "status", "figure", "price_nok_m2", "region_ratio", "like_for_like", "claimed_ratio"]]
        _echo_table(shown, None)
        _echo_benchmark_sources(table)
        missing = table.loc[table["status"] == "missing", "id"].tolist()
        like = table.loc[table["like_for_like"] == "yes", "id"].tolist()
        claims = table.loc[table["status"] == "claim", "id"].tolist()
        click.echo(
            f"like-for-like: {', '.join(like) or 'none'}; missing (no citable figure): {', '.join(missing) or 'none'}; "
            f"claims (not measurements): {', '.join(claims) or 'none'}"
        )
        _echo_notice(obs, kind=kind, basis=basis, fees=fees)
        tables.append(table)
    if groups:
        parts = [g.strip() for g in groups.split(",")]
        if len(parts) != 2:
            raise click.UsageError(f"--groups needs exactly two values, got {parts}")
        result = compare_groups(
            obs, by=by, a=parts[0], b=parts[1], kind=kind, basis=basis, fees=fees, mix=mix, seed=seed
        )
        frame = result.to_frame()
        _echo_table(frame.T.reset_index().rename(columns={"index": "field", 0: "value"}), None)
        tables.append(frame)
    if output is not None:
        click.echo(f"wrote {write_table(pd.concat(tables, ignore_index=True), output)}", err=True)
