"""``landreg alerts run|list``: scan saved searches and deliver their notices (e.g. from cron)."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import handle_errors, open_from_cli, registry_option


@click.group("alerts")
def alerts_group() -> None:
    """Saved searches: notices of new sites by e-mail (LANDREG_SMTP_HOST), webhook and Atom feed."""


@alerts_group.command("run")
@registry_option
@click.option("--no-scan", is_flag=True, help="Only deliver what waits in the outbox; do not look for new sites.")
@handle_errors
def run_cmd(registry_path: Path | None, no_scan: bool) -> None:
    """Look for new sites for every confirmed search, then send every notice that is due.

    Failed deliveries are retried with back-off at a later run (or by the service).
    """
    from landreg.alerts import AlertSettings, deliver_due, scan_saved_searches

    settings = AlertSettings()
    with open_from_cli(registry_path) as reg:
        if not no_scan:
            scan = scan_saved_searches(reg)
            n_new = sum(len(v) for v in scan.new_sites.values())
            click.echo(f"{scan.searches} saved search(es) scanned: {n_new} new site(s) queued")
            for search_id, why in scan.failed.items():
                click.echo(f"warning: saved search {search_id} could not be run: {why}", err=True)
        report = deliver_due(reg, settings=settings)
    click.echo(f"delivered {len(report.delivered)}, to retry {len(report.retrying)}, given up {len(report.given_up)}")


@alerts_group.command("list")
@registry_option
@handle_errors
def list_cmd(registry_path: Path | None) -> None:
    """List the saved searches: id, state, where notices go, criteria."""
    import json

    from landreg.alerts import AlertStore

    with open_from_cli(registry_path) as reg:
        searches = AlertStore(reg).all_searches()
    for s in searches:
        state = "unsubscribed" if s.unsubscribed_at else "active" if s.confirmed_at else "awaiting confirmation"
        targets = ", ".join(t for t in (s.email, s.webhook_url) if t)
        click.echo(f"{s.search_id}  {state}  {targets}  {json.dumps(s.criteria, ensure_ascii=False)}")
    if not searches:
        click.echo("no saved searches")
