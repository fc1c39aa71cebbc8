"""``landreg serve``: run the service with uvicorn (plugged into the landreg CLI)."""

from __future__ import annotations

from pathlib import Path

import click

from landreg.cli.common import RegistryParam
from landreg.registry.postgis import describe_url, is_database_url


@click.command("serve")
@click.option(
    "--registry",
    "registry_path",
    type=RegistryParam(),
    default=None,
    help="Registry GeoPackage or postgresql:// URL "
    "(default: $LANDREG_API_REGISTRY, $LANDREG_DATABASE_URL, $LANDREG_REGISTRY or var/landreg.gpkg).",
)
@click.option("--layers", "layers_dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64))
def serve_cmd(registry_path: Path | str | None, layers_dir: Path | None, host: str, port: int, workers: int) -> None:
    """Serve the OGC API – Features service and the maps on HOST:PORT."""
    import os

    import uvicorn

    from api.main import configure_logging
    from landreg.settings import LandregSettings

    core = LandregSettings()
    os.environ["LANDREG_API_REGISTRY"] = str(
        registry_path or os.environ.get("LANDREG_API_REGISTRY") or core.database_url or core.registry
    )
    os.environ["LANDREG_API_LAYERS_DIR"] = str(
        layers_dir or os.environ.get("LANDREG_API_LAYERS_DIR") or core.layers_dir
    )
    served = os.environ["LANDREG_API_REGISTRY"]
    if is_database_url(served):
        served = describe_url(served)  # never the password
    elif not Path(served).exists():
        raise click.ClickException(f"no registry at {served}; run `landreg init` first")
    configure_logging()
    click.echo(f"serving {served} on http://{host}:{port}/", err=True)
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="warning")
