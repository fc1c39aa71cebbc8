"""``--engine local|dask`` and ``--scheduler ADDRESS``: where ``enrich`` and ``score`` run."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from landreg.engine.cluster import DEFAULT_LOCAL_WORKERS, ENGINES

F = TypeVar("F", bound=Callable[..., Any])


def engine_options(func: F) -> F:
    """``--engine``, ``--scheduler`` and ``--workers``, passed on as ``engine``, ``scheduler`` and ``n_workers``."""
    func = click.option(
        "--workers",
        "n_workers",
        type=click.IntRange(min=1),
        default=DEFAULT_LOCAL_WORKERS,
        show_default=True,
        help="Worker processes of the local dask cluster (without --scheduler).",
    )(func)
    func = click.option(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="A running dask scheduler, e.g. tcp://10.0.0.5:8786 (default: a local cluster on this machine).",
    )(func)
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="local",
        show_default=True,
        help="local: in this process; dask: spatial partitions on a dask.distributed cluster.",
    )(func)
