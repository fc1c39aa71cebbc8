"""The interactive API documentation (``/docs``), served from vendored Swagger UI assets.

Swagger UI 5.35.0 (``swagger-ui-dist``, Apache-2.0) lives in ``api/static/swagger-ui`` and is
served under ``/static/swagger-ui/``, so the page works with no internet, like the maps.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI_VERSION = "5.35.0"
SWAGGER_UI_DIR = Path(__file__).resolve().parent / "static" / "swagger-ui"
SWAGGER_UI_PREFIX = "/static/swagger-ui"


def add_swagger_ui(app: FastAPI, *, docs_url: str = "/docs") -> None:
    """Serve Swagger UI at ``docs_url`` over the app's OpenAPI document, with local assets only.

    Parameters
    ----------
    app : FastAPI
        Built with ``docs_url=None`` (FastAPI's own page loads Swagger UI from a CDN).
    docs_url : str
        Path of the page.
    """
    app.mount(SWAGGER_UI_PREFIX, StaticFiles(directory=SWAGGER_UI_DIR), name="swagger-ui")

    @app.get(docs_url, include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} — API documentation",
            swagger_js_url=f"{SWAGGER_UI_PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{SWAGGER_UI_PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{SWAGGER_UI_PREFIX}/favicon-32x32.png",
            # No badge from the online validator (validator.swagger.io).
            swagger_ui_parameters={"validatorUrl": None},
        )
