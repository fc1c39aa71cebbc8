"""``landreg plans import``: business land from Norwegian zoning plans (plan GML, SOSI Plan 4.x and 5.0)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from landreg.cli.common import handle_errors, open_from_cli, registry_option
from landreg.settings import LandregSettings


@click.group("plans")
def plans_group() -> None:
    """Zoning plans (reguleringsplan, kommuneplan) in the national plan GML format."""


@plans_group.command("import")
@registry_option
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--as",
    "as_what",
    type=click.Choice(["plots", "areas"]),
    default="plots",
    show_default=True,
    help="Propose the business-land polygons as plots or as business areas.",
)
@click.option(
    "--status",
    default="planned",
    show_default=True,
    type=click.Choice(["available", "reserved", "planned"]),
    help="Status of the plots no båndlegging locks.",
)
@click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
@click.option("--actor", default=None, help="Name recorded in the history.")
@handle_errors
def plans_import_cmd(
    registry_path: Path | None, source: Path, as_what: str, status: str, dry_run: bool, actor: str | None
) -> None:
    """Import the business land (næringsareal) of the plans in SOURCE, all or nothing.

    Land-use areas whose arealformål is business land become plots (or business areas) with
    zoning, plan id and plan status from the plan; a plot under a båndlegging zone is locked
    and references a new pending decision.
    """
    from landreg.model.enums import PlotStatus
    from landreg.plans import import_plan, read_plan_gml

    doc = read_plan_gml(source)  # before the registry is opened: a bad file leaves no registry behind
    with open_from_cli(registry_path, create=not dry_run) as reg:
        proposal = import_plan(
            reg,
            doc,
            actor=actor or LandregSettings().actor,
            as_areas=as_what == "areas",
            status=PlotStatus(status),
            dry_run=dry_run,
        )
    click.echo(proposal.to_text())
    if dry_run:
        if proposal.problems:
            click.echo("error: dry run: the import would fail (see above); nothing was written", err=True)
            sys.exit(1)
        click.echo("dry run: nothing was written")
        return
    n = len(proposal.plots if proposal.areas is None else proposal.areas)
    click.echo(f"imported {n} {'plots' if proposal.areas is None else 'business areas'} from {source.name}")
