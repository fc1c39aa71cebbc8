"""``landreg road add|update|end|list``: planned road projects used by ``landreg scenario road:<id>``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from landreg.cli.common import handle_errors, open_from_cli, registry_option
from landreg.model.enums import RoadProjectStatus

_STATUS = click.Choice([s.value for s in RoadProjectStatus if s is not RoadProjectStatus.CANCELLED])


def _echo_projects(frame: Any) -> None:
    for rec in frame.drop(columns="geometry").to_dict(orient="records"):
        year = rec.get("expected_year")
        year_text = f", expected {int(year)}" if year is not None and year == year else ""
        length_km = frame.loc[frame["project_id"] == rec["project_id"]].geometry.length.sum() / 1000
        click.echo(
            f"{rec['project_id']}  {rec['name']}: {rec['status']}, {rec['speed_kmh']:g} km/h, "
            f"{length_km:,.1f} km{year_text}"
        )


@click.group("road")
def road_group() -> None:
    """Road projects (planned roads) that scenarios can add to the network."""


@road_group.command("list")
@registry_option
@click.option("--all", "include_cancelled", is_flag=True, help="Also list ended (cancelled) projects.")
@handle_errors
def list_cmd(registry_path: Path | None, include_cancelled: bool) -> None:
    """List road projects: id, name, status, speed, length and expected year."""
    with open_from_cli(registry_path) as reg:
        frame = reg.load_road_projects(include_cancelled=include_cancelled)
    if len(frame) == 0:
        click.echo("no road projects")
    _echo_projects(frame)


@road_group.command("add")
@registry_option
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--id", "project_id", default=None, help="Id of the one project in FILE (else its project_id).")
@click.option("--name", default=None, help="Name, when FILE has none.")
@click.option(
    "--speed-kmh",
    type=click.FloatRange(min=0, max=130, min_open=True),
    default=None,
    help="Design speed, when FILE has none.",
)
@click.option("--status", type=_STATUS, default=None, help="Stage, when FILE has none (default planned).")
@click.option("--year", "expected_year", type=click.IntRange(1950, 2150), default=None, help="Expected opening year.")
@click.option("--crs", default=None, help="CRS of FILE's coordinates when it declares none.")
@handle_errors
def add_cmd(
    registry_path: Path | None,
    file: Path,
    project_id: str | None,
    name: str | None,
    speed_kmh: float | None,
    status: str | None,
    expected_year: int | None,
    crs: str | None,
) -> None:
    """Add the road projects in FILE (GeoJSON, GeoPackage, Shapefile; LineStrings)."""
    from landreg.roads import read_road_projects

    defaults = {"name": name, "speed_kmh": speed_kmh, "status": status, "expected_year": expected_year}
    frame = read_road_projects(file, crs=crs, project_id=project_id, defaults=defaults)
    with open_from_cli(registry_path) as reg:
        ids = reg.add_road_projects(frame, context=file.name)
        added = reg.load_road_projects()
    click.echo(f"added {len(ids)} road project(s); use them with `landreg scenario road:<id>`")
    _echo_projects(added[added["project_id"].isin(ids)])


@road_group.command("update")
@registry_option
@click.argument("project_id")
@click.option("--file", "file", type=click.Path(dir_okay=False, path_type=Path), default=None, help="A new line.")
@click.option("--name", default=None)
@click.option("--speed-kmh", type=click.FloatRange(min=0, max=130, min_open=True), default=None)
@click.option("--status", type=_STATUS, default=None)
@click.option("--year", "expected_year", type=click.IntRange(1950, 2150), default=None)
@click.option("--description", default=None)
@click.option("--crs", default=None, help="CRS of FILE's coordinates when it declares none.")
@handle_errors
def update_cmd(
    registry_path: Path | None,
    project_id: str,
    file: Path | None,
    name: str | None,
    speed_kmh: float | None,
    status: str | None,
    expected_year: int | None,
    description: str | None,
    crs: str | None,
) -> None:
    """Change a road project's fields and/or its line (--file with one LineString)."""
    from landreg.roads import read_road_projects

    changes = {
        k: v
        for k, v in {
            "name": name,
            "speed_kmh": speed_kmh,
            "status": status,
            "expected_year": expected_year,
            "description": description,
        }.items()
        if v is not None
    }
    geometry, geometry_crs = None, None
    if file is not None:
        frame = read_road_projects(file, crs=crs, project_id=project_id, defaults={"name": "-", "speed_kmh": 1})
        geometry, geometry_crs = frame.geometry.iloc[0], frame.crs
    if not changes and geometry is None:
        raise click.UsageError("nothing to change; give --file, --name, --speed-kmh, --status, --year or --description")
    with open_from_cli(registry_path) as reg:
        updated = reg.update_road_project(project_id, changes, geometry=geometry, crs=geometry_crs)
    click.echo("updated:")
    _echo_projects(updated)


@road_group.command("end")
@registry_option
@click.argument("project_id")
@handle_errors
def end_cmd(registry_path: Path | None, project_id: str) -> None:
    """End a road project (status cancelled): kept for the record, no longer offered to scenarios."""
    with open_from_cli(registry_path) as reg:
        ended = reg.end_road_project(project_id)
    click.echo("ended:")
    _echo_projects(ended)
