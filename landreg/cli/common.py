"""Shared pieces of the ``landreg`` command line: options, error handling, output."""

from __future__ import annotations

import contextlib
import contextvars
import functools
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
import pydantic

from landreg.errors import LandregError
from landreg.settings import LandregSettings

if TYPE_CHECKING:
    from landreg.registry.base import Registry

F = TypeVar("F", bound=Callable[..., Any])


class RegistryParam(click.ParamType):
    """A registry: a GeoPackage path (a :class:`~pathlib.Path`) or a ``postgresql://`` URL (kept as text)."""

    name = "registry"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path | str:
        """The URL as given, or the path as a :class:`~pathlib.Path`."""
        from landreg.registry.postgis import is_database_url

        if isinstance(value, Path) or not is_database_url(value):
            return Path(value)
        return str(value)


def registry_option(func: F) -> F:
    """``--registry PATH|URL``: default ``LANDREG_DATABASE_URL``, else ``LANDREG_REGISTRY``, else the var/ file."""
    return click.option(
        "--registry",
        "registry_path",
        type=RegistryParam(),
        default=None,
        help="Registry GeoPackage or postgresql:// URL "
        "(default: $LANDREG_DATABASE_URL, else $LANDREG_REGISTRY or ./var/landreg.gpkg).",
    )(func)


def output_option(help: str, *, required: bool = False) -> Callable[[F], F]:
    """``-o/--output FILE``: the file a command writes (its format from the suffix).

    Parameters
    ----------
    help : str
        What the command writes there, shown by ``--help``.
    required : bool
        Whether the command needs the option (otherwise it defaults to None).

    Returns
    -------
    callable
        A click decorator giving the command an ``output: Path | None`` argument.
    """
    option = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        required=required,
        help=help,
    )
    return cast("Callable[[F], F]", option)


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


def resolve_registry_path(path: Path | str | None) -> Path | str:
    """The registry from the option, else the settings (env / .env): a GeoPackage path or a database URL."""
    if path is not None:
        return path
    settings = LandregSettings()
    return settings.database_url if settings.database_url else settings.registry


def resolve_registry_file(path: Path | str | None) -> Path:
    """The registry GeoPackage for commands that build a file (a database URL is refused).

    Raises
    ------
    ConfigurationError
        When the registry is a ``postgresql://`` database.
    """
    from landreg.errors import ConfigurationError

    resolved = resolve_registry_path(path)
    if isinstance(resolved, str):
        raise ConfigurationError(
            "this command builds a GeoPackage file, but the registry is a PostgreSQL database "
            "(--registry or LANDREG_DATABASE_URL); give --registry a .gpkg path"
        )
    return resolved


def open_from_cli(path: Path | str | None, *, create: bool = False) -> AbstractContextManager[Registry]:
    """Open the registry named on the command line with the settings' options, for a ``with`` block.

    With ``create``, a GeoPackage that did not exist is made; when the command's ``with`` block
    then fails (a file that cannot be read, records that do not validate), the file is removed
    again, so a failed ``landreg import`` leaves no empty registry behind.
    """
    from landreg.registry import open_registry_from_settings

    resolved = resolve_registry_path(path)
    made_here = create and isinstance(resolved, Path) and not resolved.exists()
    registry = open_registry_from_settings(resolved, create=create)
    opened = _removed_on_failure(registry, resolved) if made_here and isinstance(resolved, Path) else registry
    return _announcing_changes(opened)


@contextlib.contextmanager
def _announcing_changes(opened: Any) -> Iterator[Any]:
    """The opened registry; when the command changed plots, saved searches are scanned before it closes."""
    from landreg.alerts import scan_after_changes

    with opened as registry, scan_after_changes(registry):
        yield registry


@contextlib.contextmanager
def _removed_on_failure(registry: Registry, path: Path) -> Iterator[Registry]:
    """``registry`` (made at ``path`` by this command) for a ``with`` block; its files go when the block fails."""
    try:
        with registry:
            yield registry
    except BaseException:
        for stale in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
            stale.unlink(missing_ok=True)
        raise


#: Errors the command line reports as a message (no traceback): landreg's own, file
#: system errors and invalid values given to a core model (pydantic).
USER_ERRORS: tuple[type[Exception], ...] = (LandregError, OSError, pydantic.ValidationError)


def error_message(exc: BaseException) -> str:
    """The user-facing text of an error: what was wrong, where, what to do — no class names.

    Parameters
    ----------
    exc : BaseException
        A landreg error, an ``OSError`` or a pydantic validation error.

    Returns
    -------
    str
        The message, possibly over several lines (one per problem).
    """
    if isinstance(exc, pydantic.ValidationError):
        n = exc.error_count()
        lines = ["invalid value:" if n == 1 else f"{n} invalid values:"]
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"]) or "value"
            got = err.get("input")
            shown = "" if isinstance(got, dict) else f" (got {got!r})"
            lines.append(f"  - {where}: {err['msg'].removeprefix('Value error, ')}{shown}")
        return "\n".join(lines)
    if isinstance(exc, OSError) and exc.strerror and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror.lower()}"
    text = str(exc)
    return text if text else "failed without a message"


def print_error(exc: BaseException) -> None:
    """Print ``error: <message>`` on stderr (the one error printer of the command line)."""
    click.echo(f"error: {error_message(exc)}", err=True)


def handle_errors(func: F) -> F:
    """Turn landreg, file and input errors into ``error: <message>`` on stderr and exit code 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except USER_ERRORS as exc:
            print_error(exc)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


#: ``--progress`` (True) or ``--quiet`` (False) of the running command; None: bars when stderr is a terminal.
_SHOW_PROGRESS: contextvars.ContextVar[bool | None] = contextvars.ContextVar("landreg_show_progress", default=None)


def progress_option(func: F) -> F:
    """``--progress/--quiet``: progress bars on stderr (by default only when stderr is a terminal).

    The choice holds while the command runs; :func:`progress_bar` reads it.  Bars never go to
    stdout, so what a command prints there stays the same with or without them.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, show_progress: bool | None = None, **kwargs: Any) -> Any:
        token = _SHOW_PROGRESS.set(show_progress)
        try:
            return func(*args, **kwargs)
        finally:
            _SHOW_PROGRESS.reset(token)

    option = click.option(
        "--progress/--quiet",
        "show_progress",
        default=None,
        help="Show progress on stderr even when it is not a terminal (--progress) or never (--quiet); "
        "default: when stderr is a terminal.",
    )
    return cast("F", option(wrapper))


def progress_bar(total: int | None, desc: str, *, unit: str = "plots") -> Any:
    """A tqdm progress bar on stderr: shown when stderr is a terminal, or as ``--progress``/``--quiet`` say.

    Parameters
    ----------
    total : int or None
        Units of work (None: unknown, the bar counts up).
    desc : str
        What is being done (``"enrich"``, ``"export"``).
    unit : str
        What is counted.
    """
    from tqdm import tqdm

    chosen = _SHOW_PROGRESS.get()
    shown = sys.stderr.isatty() if chosen is None else chosen
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not shown, mininterval=0.5)
