"""The service's app factory as a small picklable object: how ``landreg serve`` hands its settings to each worker.

Unpickling it imports nothing heavy, so a uvicorn worker answers its supervisor's health checks
while it loads the app; the app and its dependencies are imported when the worker calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI

    from api.settings import ApiSettings


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
        """A new app with the settings (the registry is opened in its lifespan)."""
        from api.main import create_app
        from api.settings import ApiSettings

        return create_app(ApiSettings(**self.values))
