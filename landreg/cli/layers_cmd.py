"""The ``landreg layers`` commands: list the regional layers with provenance, and check them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from landreg.cli.common import layers_option

_COLUMNS = ("id", "kind", "role", "data", "source", "license")


def _layers_dir(value: Path | None) -> Path:
    if value is not None:
        return value
    from landreg.settings import LandregSettings

    return LandregSettings().layers_dir


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@click.group("layers", invoke_without_command=True)
@layers_option
@click.option("--full", is_flag=True, help="Do not shorten the source column.")
@click.pass_context
def layers_group(ctx: click.Context, layers_dir: Path | None, full: bool) -> None:
    """List the regional layers: kind, role, real or synthetic, source and licence."""
    ctx.ensure_object(dict)
    ctx.obj["layers_dir"] = _layers_dir(layers_dir)
    if ctx.invoked_subcommand is not None:
        return
    from landreg.layers.manifest import load_manifest

    manifest = load_manifest(ctx.obj["layers_dir"])  # errors: printed by the command line's one error printer
    rows = [
        (
            s.id,
            s.kind,
            s.role,
            "synthetic" if s.synthetic else "real",
            s.source if full else _shorten(s.source, 60),
            s.license,
        )
        for s in manifest.layers
    ]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(_COLUMNS)]
    click.echo("  ".join(c.ljust(w) for c, w in zip(_COLUMNS, widths, strict=True)).rstrip())
    for row in rows:
        click.echo("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    attributions = manifest.meta.get("attributions", [])
    if attributions:
        click.echo("")
        for line in attributions:
            click.echo(f"* {line}")


@layers_group.command("check")
@click.pass_context
def check_cmd(ctx: click.Context) -> None:
    """Check the manifest and every layer: files, CRS, geometry validity, rasters readable, ferries joined to roads."""
    from landreg.layers.check import check_layers

    layers_dir = ctx.obj["layers_dir"]
    problems = check_layers(layers_dir)
    if problems:
        click.echo(f"{len(problems)} problem(s) in {layers_dir}:", err=True)
        for p in problems:
            click.echo(f"  - {p}", err=True)
        sys.exit(1)
    click.echo(f"ok: every layer in {Path(layers_dir) / 'layers.toml'} is readable and as declared")
