"""``landreg publish -o site/``: the indicator site as static files (plugged into the landreg CLI).

Registered through the ``landreg.commands`` entry point (``publish = "maps.site.cli:publish_cmd"``),
so the core never imports the site.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from landreg.cli.common import handle_errors, layers_option, open_from_cli, registry_option, resolve_layers_dir


def _as_of(value: str | None) -> dt.datetime | None:
    """``--as-of`` as an aware UTC time; a date means its end (the state at the close of that day)."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=dt.UTC)
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not an ISO 8601 date or time; expected e.g. 2026-01-01 or 2026-01-01T12:00:00Z",
            param_hint="--as-of",
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


@click.command("publish")
@registry_option
@layers_option
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the site into (made when missing; an earlier site there is replaced).",
)
@click.option(
    "--as-of", default=None, help="Publish the registry as recorded at the end of this date (or at this ISO time)."
)
@handle_errors
def publish_cmd(registry_path: Path | None, layers_dir: Path | None, out_dir: Path, as_of: str | None) -> None:
    """Write the indicator site «Status for næringsareal» as static files (bokmål, with English under en/).

    The pages link only to each other and to the bundled assets, so the folder works from any
    static web host and when opened from disk.
    """
    from maps.site.publish import publish_site

    when = _as_of(as_of)
    if out_dir.exists() and any(out_dir.iterdir()) and not (out_dir / "index.html").exists():
        raise click.BadParameter(
            f"{out_dir} holds other files; expected an empty folder or an earlier site (with index.html)",
            param_hint="-o/--output",
        )
    with open_from_cli(registry_path) as registry:
        site = publish_site(registry, out_dir, layers_dir=resolve_layers_dir(layers_dir), as_of=when)
    click.echo(
        f"wrote {len(site.pages)} pages, {site.files} files ({site.size_bytes / 1e6:.2f} MB) to {site.out_dir}; "
        f"figures as of {site.data.report.as_of.date().isoformat()}; open {site.out_dir / 'index.html'}"
    )
