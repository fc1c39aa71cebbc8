"""``--profiles FILE``: custom weight profiles for ``score``, ``search``, ``supply``, ``scenario`` and ``map``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def profiles_option(func: F) -> F:
    """``--profiles FILE``: a TOML file with the layout of ``landreg/scoring/profiles.toml``."""
    return click.option(
        "--profiles",
        "profiles_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="TOML file of custom profiles (layout of landreg/scoring/profiles.toml); "
        "--profile then names one of them or a built-in one.",
    )(func)


def resolve_profile(name: str, profiles_file: Path | None) -> Any:
    """The profile name as given (built-in), or the :class:`ScoringProfile` ``name`` of ``profiles_file``.

    Raises
    ------
    FileNotFoundError, ValidationError
        When the file is missing or malformed (each problem names the field).
    UnknownProfileError
        When neither the file nor the built-in profiles have ``name``.
    """
    if profiles_file is None:
        return name
    from landreg.scoring import load_profile
    from landreg.scoring.profiles import load_definitions

    return load_profile(name, definitions=load_definitions(profiles_file))
