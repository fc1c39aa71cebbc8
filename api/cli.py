"""``landreg serve``: run the service with uvicorn (plugged into the landreg CLI)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import click

from api.app_factory import AppFactory
from api.settings import ApiSettings
from landreg.cli.common import RegistryParam
from landreg.registry.postgis import describe_url, is_database_url


def serve_settings(registry_path: Path | str | None, *, layers_dir: Path | None = None) -> ApiSettings:
    """The settings ``landreg serve`` starts the service with (the environment is read, never written).

    Parameters
    ----------
    registry_path : Path or str, optional
        ``--registry``; default ``LANDREG_API_REGISTRY``, else ``LANDREG_DATABASE_URL``, else
        ``LANDREG_REGISTRY`` (or ``var/landreg.gpkg``).
    layers_dir : Path, optional
        ``--layers``; default ``LANDREG_API_LAYERS_DIR``, else ``LANDREG_LAYERS_DIR`` (or ``layers``).

    Returns
    -------
    ApiSettings
        The service settings (``LANDREG_API_*``) with the registry and layers folder resolved.
    """
    from landreg.settings import LandregSettings

    api = ApiSettings()
    core = LandregSettings()
    given = api.model_fields_set
    registry = registry_path or (api.registry if "registry" in given else core.database_url or core.registry)
    layers = layers_dir or (api.layers_dir if "layers_dir" in given else core.layers_dir)
    return api.model_copy(update={"registry": registry, "layers_dir": layers})


def listening_socket(config: Any) -> socket.socket:
    """The socket the worker processes accept on, declared as TCP so every connection gets ``TCP_NODELAY``.

    uvicorn binds it with protocol 0, and asyncio sets ``TCP_NODELAY`` only on connections whose
    socket says TCP: without it a response written in two parts (head, then body) waited for the
    client's delayed acknowledgement, about 40 ms on Linux, on every small response.

    Parameters
    ----------
    config : uvicorn.Config
        The server's configuration (host, port, or a Unix socket / file descriptor).

    Returns
    -------
    socket.socket
        The bound, listening socket.
    """
    sock: socket.socket = config.bind_socket()
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
    return sock


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
    import uvicorn

    from api.main import configure_logging

    settings = serve_settings(registry_path, layers_dir=layers_dir)
    served = str(settings.registry)
    if is_database_url(served):
        served = describe_url(served)  # never the password
    elif not Path(served).exists():
        raise click.ClickException(f"no registry at {served}; run `landreg init` first")
    configure_logging()
    click.echo(f"serving {served} on http://{host}:{port}/", err=True)
    # Each worker builds the app from these settings (pickled to it), and opens the registry in the
    # app's lifespan with the core settings, as the command line does.
    config = uvicorn.Config(
        AppFactory(settings),
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
    )
    from uvicorn.main import STARTUP_FAILURE

    server = uvicorn.Server(config)
    try:
        if workers == 1:
            server.run()
        else:
            from uvicorn.supervisors import Multiprocess

            Multiprocess(config, sockets=[listening_socket(config)]).run()
    except KeyboardInterrupt:
        pass
    if workers == 1 and not server.started:
        raise SystemExit(STARTUP_FAILURE)
