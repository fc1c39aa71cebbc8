"""``landreg indicators``: the figures of the public indicator site, per region, municipality and business area."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from landreg.cli.common import (
    handle_errors,
    layers_option,
    open_from_cli,
    output_option,
    registry_option,
    resolve_layers_dir,
)

#: Figures shown on the terminal (all are written with -o).
_SHOWN = (
    "available_now_daa",
    "available_later_daa",
    "reserved_daa",
    "locked_daa",
    "sold_daa",
    "effective_daa",
    "largest_available_block_daa",
    "uptake_avg_5y_daa_per_year",
    "years_of_supply_5y",
    "needs_new_road_daa",
)


def _as_of(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date or time; expected e.g. 2026-01-01 or 2026-01-01T00:00:00Z",
            param_hint="--as-of",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def _shown(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


@click.group("indicators", invoke_without_command=True)
@click.pass_context
@registry_option
@layers_option
@click.option("--as-of", default=None, help="The registry as recorded at this date or time (ISO 8601); default now.")
@click.option(
    "--municipality", default=None, help="Only these municipalities: kommunenummer or names, comma-separated."
)
@output_option("Write every figure to a .json (with definitions and synthetic counts) or .csv file.")
@handle_errors
def indicators_cmd(
    ctx: click.Context,
    registry_path: Path | None,
    layers_dir: Path | None,
    as_of: str | None,
    municipality: str | None,
    output: Path | None,
) -> None:
    """Decares by status, effective decares, uptake and years of supply, prices, new roads and hazards.

    `landreg indicators export -o DIR` writes them as open data (CSV, XLSX, GeoPackage, GeoJSON
    and a DCAT-AP-NO catalogue).
    """
    if ctx.invoked_subcommand is not None:
        return
    from landreg.indicators import compute_registry_indicators

    when = _as_of(as_of)
    if output is not None and output.suffix.lower() not in (".json", ".csv"):
        raise click.BadParameter(f"{output.name}: expected a .json or .csv file", param_hint="-o/--output")
    munis = [m.strip() for m in municipality.split(",") if m.strip()] if municipality else []
    layers = resolve_layers_dir(layers_dir)
    with open_from_cli(registry_path) as registry:
        report = compute_registry_indicators(registry, as_of=when, municipality_no=munis, layers_dir=layers)
    click.echo(f"indicators as of {report.as_of.isoformat(timespec='seconds')}")
    for scope in report.scopes:
        if scope.scope == "business_area":
            continue
        figures = ", ".join(f"{f.id}={_shown(f.value)}" for f in scope.figures if f.id in _SHOWN)
        click.echo(f"{scope.scope} {scope.name}: {figures}")
    uptake = report.scope("region").figure("uptake_avg_5y_daa_per_year")
    if uptake.note:
        click.echo(f"uptake: {uptake.note['en']}")
    if report.synthetic.any_synthetic:
        click.echo(report.synthetic.text("en"))
    if output is not None:
        if output.suffix.lower() == ".csv":
            report.to_frame().to_csv(output, index=False)
        else:
            output.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8")
        click.echo(f"wrote {output}")


@indicators_cmd.command("export")
@registry_option
@layers_option
@click.option("--as-of", default=None, help="The registry as recorded at this date or time (ISO 8601); default now.")
@click.option(
    "--lang",
    type=click.Choice(["nb", "en"]),
    default="nb",
    show_default=True,
    help="Language of file names and column headers (bokmål or English).",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the files into (made when missing).",
)
@handle_errors
def export_cmd(
    registry_path: Path | None, layers_dir: Path | None, as_of: str | None, lang: str, out_dir: Path
) -> None:
    """Every indicator table as CSV and XLSX, the plots on offer as GeoPackage and GeoJSON, and a catalogue.

    The catalogue (katalog.jsonld, DCAT-AP-NO as JSON-LD) names each file's licence, sources,
    dates and how much of it rests on synthetic data.
    """
    from landreg.indicators.opendata import write_open_data

    when = _as_of(as_of)
    if out_dir.exists() and not out_dir.is_dir():
        raise click.BadParameter(f"{out_dir} is a file; expected a folder", param_hint="-o/--output")
    with open_from_cli(registry_path) as registry:
        catalogue = write_open_data(registry, out_dir, as_of=when, lang=lang, layers_dir=resolve_layers_dir(layers_dir))
    for dataset in catalogue.datasets:
        names = ", ".join(p.name for p in dataset.files)
        share = f"{dataset.synthetic_share:.0%} synthetic" if dataset.synthetic_share else "no synthetic data"
        click.echo(f"{dataset.id}: {names} ({dataset.licence}; {share})")
    click.echo(f"wrote {len(catalogue.files)} files and the catalogue {catalogue.path}")
