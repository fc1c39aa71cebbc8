"""Shared pieces of the ``landreg`` command line: options, error handling, output."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from landreg.errors import LandregError, ValidationError
from landreg.settings import LandregSettings

F = TypeVar("F", bound=Callable[..., Any])


def registry_option(func: F) -> F:
    """``--registry PATH``: default from ``LANDREG_REGISTRY``, else ``./var/landreg.gpkg``."""
    return click.option(
        "--registry",
        "registry_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Registry GeoPackage (default: $LANDREG_REGISTRY or ./var/landreg.gpkg).",
    )(func)


def layers_option(func: F) -> F:
    """``--layers DIR``: the folder with ``layers.toml`` (default ``$LANDREG_LAYERS_DIR`` or ``./layers``)."""
    return click.option(
        "--layers",
        "layers_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder with layers.toml (default: $LANDREG_LAYERS_DIR or ./layers).",
    )(func)


def resolve_layers_dir(path: Path | None) -> Path:
    """The layers folder from the option, else the settings (env / .env)."""
    return path if path is not None else LandregSettings().layers_dir


def resolve_registry_path(path: Path | None) -> Path:
    """The registry path from the option, else the settings (env / .env)."""
    return path if path is not None else LandregSettings().registry


def open_from_cli(path: Path | None, *, create: bool = False) -> Any:
    """Open the registry named on the command line with the settings' options."""
    from landreg.registry import open_registry

    settings = LandregSettings()
    return open_registry(
        resolve_registry_path(path),
        create=create,
        busy_timeout_s=settings.busy_timeout_s,
        journal_mode=settings.journal_mode,
        overlap_tolerance_m2=settings.overlap_tolerance_m2,
    )


def handle_errors(func: F) -> F:
    """Turn landreg and file errors into a clear message on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ValidationError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(1)
        except (LandregError, FileNotFoundError, FileExistsError, PermissionError) as exc:
            click.echo(f"error: {type(exc).__name__}: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def progress_bar(total: int, desc: str) -> Any:
    """A tqdm progress bar on stderr (silent when stderr is not a terminal and total is small)."""
    from tqdm import tqdm

    return tqdm(total=total, desc=desc, unit="plots", file=sys.stderr, disable=total < 1000 and not sys.stderr.isatty())
