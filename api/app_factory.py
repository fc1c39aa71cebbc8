"""The service's app factory as a small picklable object: how ``landreg serve`` hands its settings to each worker.

Unpickling it imports nothing heavy, so a uvicorn worker answers its supervisor's health checks
while it loads the app; the app and its dependencies are imported when the worker calls it.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from api.settings import ApiSettings

#: Allocations between two collections of the youngest generation in a serving process (CPython: 700).
YOUNG_COLLECTION_THRESHOLD = 50_000


def tune_collector() -> None:
    """Collect the youngest generation every :data:`YOUNG_COLLECTION_THRESHOLD` allocations, not every 700.

    A page of 10,000 features allocates some 500,000 dicts and lists that all live until it is
    sent; with CPython's default the collector ran about 200 times per such page and each older
    pass walked the whole heap of the serving process (the libraries, the layers): about half of
    the page's CPU time. The older generations keep their default ratios, so cyclic garbage is
    still collected, only in fewer, larger passes.
    """
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, oldest)


class AppFactory:
    """Builds the app with given settings (``uvicorn.Config(AppFactory(settings), factory=True)``).

    Parameters
    ----------
    settings : ApiSettings
        The service settings every worker's app gets.
    """

    def __init__(self, settings: ApiSettings) -> None:
        self.values: dict[str, Any] = settings.model_dump()

    def __call__(self) -> FastAPI:
        """A new app with the settings (the registry is opened in its lifespan), in a process tuned to serve."""
        from api.main import create_app
        from api.settings import ApiSettings

        tune_collector()  # each worker process is a fresh interpreter: tuned where the app is built
        return create_app(ApiSettings(**self.values))
