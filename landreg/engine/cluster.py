"""The batch engine: where enrichment and scoring run (this process, or a ``dask.distributed`` cluster).

:class:`DaskEngine` hands spatial partitions of the plots to the workers of a cluster — a
``LocalCluster`` of worker processes on this machine by default, or any running scheduler
(``tcp://host:8786``) whose workers can import landreg and read the same layers path.  What
every partition needs (the road graph and the travel times to every target, the firm points)
is sent to each worker once (``scatter(..., broadcast=True)``), not once per partition.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from landreg.errors import EngineUnavailableError

#: Engines the batch commands accept (``--engine``).
ENGINES = ("local", "dask")
#: Workers of the ``LocalCluster`` started when no scheduler address is given.
DEFAULT_LOCAL_WORKERS = 2
#: Largest partition handed to one task (plots).
MAX_PARTITION_PLOTS = 10_000
#: Smallest partition worth a task of its own (plots), unless there are fewer plots.
MIN_PARTITION_PLOTS = 500
#: Partitions sent ahead per worker (one running, one waiting), so a worker never idles for data.
IN_FLIGHT_PER_WORKER = 2
#: dask settings of the ``LocalCluster``'s workers: no statistical profiler (it samples the running
#: task's stack every 10 ms and cost the workers about 7 % more CPU on an enrichment of 100,000 plots).
WORKER_CONFIG: dict[str, Any] = {"distributed": {"worker": {"profile": {"enabled": False}}}}


class DaskEngine:
    """Run functions over partitions on a ``dask.distributed`` client.

    Parameters
    ----------
    client : distributed.Client or callable
        An open client, or a function that opens one when the engine is first used (see
        :func:`open_engine`: a local cluster is started only for work that needs it).
    partition_plots : int, optional
        Plots per partition; by default about four partitions per worker, between
        :data:`MIN_PARTITION_PLOTS` and :data:`MAX_PARTITION_PLOTS`.
    """

    def __init__(self, client: Any, *, partition_plots: int | None = None) -> None:
        self._client = None if callable(client) else client
        self._connect: Callable[[], Any] | None = client if callable(client) else None
        self.partition_plots = partition_plots

    @property
    def client(self) -> Any:
        """The ``distributed.Client`` (connected on first use)."""
        if self._client is None and self._connect is not None:
            self._client = self._connect()
        return self._client

    @property
    def started(self) -> bool:
        """Whether the engine has connected to (or started) its cluster."""
        return self._client is not None

    @property
    def n_workers(self) -> int:
        """Workers the scheduler knows of now (at least 1)."""
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def partition_size(self, n_plots: int) -> int:
        """Plots per partition for ``n_plots``: as chosen, else about four tasks per worker within the bounds."""
        if self.partition_plots is not None:
            return max(1, int(self.partition_plots))
        target = -(-n_plots // (4 * self.n_workers))
        return max(1, min(MAX_PARTITION_PLOTS, max(MIN_PARTITION_PLOTS, target)))

    def map_partitions(
        self, func: Callable[..., Any], parts: Iterable[Any], *, shared: Sequence[Any] = (), small_parts: bool = False
    ) -> Iterator[tuple[int, Any, Any]]:
        """``func(part, *shared)`` for every part on the workers, yielded as each finishes.

        Large parts (frames of plots) are each sent to the cluster as data of their own (never
        inside the task graph), and only :data:`IN_FLIGHT_PER_WORKER` parts per worker are out at
        a time: the next part is taken from ``parts`` when a result comes back, so a lazy iterable
        of parts is never held whole, here or on the workers.  Small parts (the plot ids of a
        partition whose worker reads the plots itself) go inside their tasks, all submitted at
        once, so a worker never waits for the driver between tasks.

        Parameters
        ----------
        func : callable
            A module-level function (it is pickled to the workers).
        parts : iterable
            The partitions (each sent to one task); may be a generator.
        shared : sequence
            Objects every task needs; each is sent to every worker once.
        small_parts : bool
            Whether the parts are small enough to travel inside their tasks.

        Yields
        ------
        tuple
            The number of the part (its position in ``parts``), the part and ``func``'s result,
            in the order the tasks finish.
        """
        from distributed import as_completed

        client = self.client
        scattered = [client.scatter(obj, broadcast=True, hash=False) for obj in shared]
        queue = enumerate(parts)
        running: dict[Any, tuple[int, Any]] = {}
        done = as_completed()

        def submit_next() -> bool:
            item = next(queue, None)
            if item is None:
                return False
            data = item[1] if small_parts else client.scatter(item[1], hash=False)
            task = client.submit(func, data, *scattered, pure=False)
            running[task] = item
            done.add(task)
            return True

        ahead = IN_FLIGHT_PER_WORKER * self.n_workers
        while (small_parts or len(running) < ahead) and submit_next():
            pass
        for task in done:
            number, part = running.pop(task)
            result = task.result()
            del task
            submit_next()
            yield number, part, result


@contextlib.contextmanager
def open_engine(
    engine: str = "local",
    *,
    scheduler: str | None = None,
    n_workers: int = DEFAULT_LOCAL_WORKERS,
    partition_plots: int | None = None,
) -> Iterator[DaskEngine | None]:
    """The engine named on the command line, for a ``with`` block (None for ``local``: run in this process).

    Parameters
    ----------
    engine : {"local", "dask"}
        ``local`` runs in this process; ``dask`` on a cluster.
    scheduler : str, optional
        Address of a running dask scheduler (``tcp://host:8786``), connected to at once; without
        it a ``LocalCluster`` of ``n_workers`` worker processes is started when the engine is
        first given work (not at all when there is none) and stopped at the end of the block.
    n_workers : int
        Workers of that ``LocalCluster``.
    partition_plots : int, optional
        Plots per partition (see :class:`DaskEngine`).

    Yields
    ------
    DaskEngine or None

    Raises
    ------
    EngineUnavailableError
        When the engine is unknown, dask is not installed or the scheduler cannot be reached.
    """
    if engine not in ENGINES:
        raise EngineUnavailableError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")
    if engine == "local":
        if scheduler is not None:
            raise EngineUnavailableError("--scheduler needs --engine dask (the local engine runs in this process)")
        yield None
        return
    try:
        import dask.config
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - a declared dependency
        raise EngineUnavailableError(
            "the dask engine needs dask.distributed: pip install 'dask[distributed]'"
        ) from None
    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet_dask_logs())
        if scheduler is None:

            def start_local_cluster() -> Any:
                cluster = stack.enter_context(
                    LocalCluster(
                        n_workers=n_workers,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=":0",  # a free port: never "8787 in use" beside another cluster
                        worker_dashboard_address=None,
                        silence_logs=logging.CRITICAL,  # a task's error reaches the command through its result
                        config=dask.config.merge(dask.config.config, WORKER_CONFIG),  # the whole tree, as given
                    )
                )
                return stack.enter_context(Client(cluster))

            yield DaskEngine(start_local_cluster, partition_plots=partition_plots)  # started when work comes
            return
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout=5))
            except (OSError, TimeoutError, ValueError) as exc:
                raise EngineUnavailableError(
                    f"cannot reach the dask scheduler at {scheduler!r} ({exc}); start one with `dask scheduler` "
                    "and workers with `dask worker <address>`, or leave out --scheduler to run on this machine"
                ) from None
        yield DaskEngine(client, partition_plots=partition_plots)


@contextlib.contextmanager
def _quiet_dask_logs() -> Iterator[None]:
    """Keep dask's own log lines (start-up, a slow worker killed at shut-down) off the command's stderr.

    What goes wrong in a task reaches the command as the task's error; only dask's critical
    messages still show.
    """
    loggers = [logging.getLogger(name) for name in ("distributed", "dask")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(max(lg.level, logging.CRITICAL))
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
