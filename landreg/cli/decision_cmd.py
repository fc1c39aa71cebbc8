"""``landreg decision list|decide|log``: pending decisions and recording their outcomes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from landreg.cli.common import (
    handle_errors,
    layers_option,
    open_from_cli,
    registry_option,
    resolve_layers_dir,
)
from landreg.settings import LandregSettings


@click.group("decision")
def decision_group() -> None:
    """Decisions that lock land (e.g. the Torgård freight terminal) and their outcomes."""


@decision_group.command("list")
@registry_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@handle_errors
def list_cmd(registry_path: Path | None, as_json: bool) -> None:
    """List decisions with their status, outcome and the outcomes they can take."""
    with open_from_cli(registry_path) as reg:
        decisions = reg.load_decisions()
    if as_json:
        click.echo(json.dumps([d.model_dump(mode="json") for d in decisions], ensure_ascii=False, indent=2))
        return
    for d in decisions:
        state = f"{d.status}" + (f" ({d.outcome}, {d.decided_on})" if d.outcome else f", expected {d.expected_date}")
        outcomes = ", ".join(o.name for o in d.outcomes)
        click.echo(f"{d.decision_id}  {d.title}: {state}; outcomes {outcomes}, or pending to reopen")


@decision_group.command("decide")
@registry_option
@layers_option
@click.argument("decision_id")
@click.option("--outcome", required=True, help="An outcome of the decision, or 'pending' to reopen it.")
@click.option(
    "--date",
    "decided_on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="When it was decided, YYYY-MM-DD (default: today).",
)
@click.option("--note", default=None, help="Recorded with each plot version (e.g. the council case number).")
@click.option("--actor", default=None, help="Name recorded in the history.")
@click.option("--no-enrich", is_flag=True, help="Do not recompute road access now (run `landreg enrich` later).")
@handle_errors
def decide_cmd(
    registry_path: Path | None,
    layers_dir: Path | None,
    decision_id: str,
    outcome: str,
    decided_on: dt.datetime | None,
    note: str | None,
    actor: str | None,
    no_enrich: bool,
) -> None:
    """Record a decision's outcome: the plots it locks change status as versioned edits.

    The destinations the outcome builds (or removes) are used by the enrichment,
    which is run for the affected plots unless --no-enrich.  A later decision
    (another outcome, or --outcome pending) restores the earlier statuses first.
    """
    from landreg.decisions import decide
    from landreg.enrich import enrich_registry

    day = decided_on.date() if decided_on is not None else dt.date.today()
    with open_from_cli(registry_path) as reg:
        result = decide(
            reg, decision_id, outcome=outcome, decided_on=day, actor=actor or LandregSettings().actor, note=note
        )
        click.echo(result.to_text())
        if no_enrich:
            click.echo("road access not recomputed; run `landreg enrich`")
        else:
            report = enrich_registry(reg, layers_dir=resolve_layers_dir(layers_dir))
            click.echo(f"enrichment: {report.n_computed} plot(s) recomputed")


@decision_group.command("log")
@registry_option
@click.argument("decision_id", required=False)
@handle_errors
def log_cmd(registry_path: Path | None, decision_id: str | None) -> None:
    """The decisions taken, oldest first (who, when, outcome, plots changed)."""
    with open_from_cli(registry_path) as reg:
        if decision_id is not None:
            reg.get_decision(decision_id)
        rows = reg.decision_log(decision_id)
    if not rows:
        click.echo("no decisions recorded")
    for r in rows:
        changed = sum(1 for before, current, after in r["plots"].values() if current != after)
        click.echo(
            f"{r['recorded_at']}  {r['decision_id']}: {r['status_before']}"
            f"{'/' + r['outcome_before'] if r['outcome_before'] else ''} -> {r['status']}"
            f"{'/' + r['outcome'] if r['outcome'] else ''} on {r['decided_on']} by {r['actor']}; "
            f"{changed} plot(s) changed"
        )
