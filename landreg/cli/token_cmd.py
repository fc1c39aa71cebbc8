"""``landreg token create|list|revoke``: API tokens stored hashed in the registry."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import handle_errors, open_from_cli, registry_option


@click.group("token")
def token_group() -> None:
    """Manage API tokens (viewer, planner, admin)."""


@token_group.command("create")
@registry_option
@click.option("--name", required=True, help="Who the token is for; recorded as the actor of its edits.")
@click.option("--role", type=click.Choice(["viewer", "planner", "admin"]), required=True)
@click.option(
    "--municipality",
    "municipalities",
    multiple=True,
    help="Municipality a planner may edit, by kommunenummer or name (repeat).",
)
@handle_errors
def create_cmd(registry_path: Path | None, name: str, role: str, municipalities: tuple[str, ...]) -> None:
    """Create a token and print it (shown once; only its hash is stored)."""
    with open_from_cli(registry_path) as reg:
        try:
            token = reg.create_token(name=name, role=role, municipalities=list(municipalities))
        except ValueError as exc:
            raise click.UsageError(str(exc)) from exc
    click.echo(token)


@token_group.command("list")
@registry_option
@handle_errors
def list_cmd(registry_path: Path | None) -> None:
    """List tokens (without secrets)."""
    with open_from_cli(registry_path) as reg:
        for t in reg.list_tokens():
            state = "revoked" if t["revoked_at"] else "active"
            click.echo(f"{t['token_id']}  {t['name']:<20} {t['role']:<8} {t['municipalities']}  {state}")


@token_group.command("revoke")
@registry_option
@click.argument("token_id")
@handle_errors
def revoke_cmd(registry_path: Path | None, token_id: str) -> None:
    """Revoke a token by its id."""
    with open_from_cli(registry_path) as reg:
        done = reg.revoke_token(token_id)
    if not done:
        raise click.ClickException(f"no active token with id {token_id!r}")
    click.echo(f"revoked {token_id}")
