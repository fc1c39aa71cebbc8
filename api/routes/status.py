"""The indicator site «Status for næringsareal» served live under ``/status/`` (English under ``/status/en/``).

The same pages ``landreg publish`` writes (:func:`maps.site.render_site`), rendered from the
registry as it is now. Computing the indicators takes seconds, so the rendered site is kept in
memory until the registry changes (its change key: any plot write or new business areas, by
any process) or the day turns; pages carry an ETag of that key, so a browser's repeat visit is
answered with 304.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from api.deps import get_registry, settings_dep
from api.errors import EntityNotFoundError
from api.limits import check_analysis_size, expensive_request
from api.settings import ApiSettings
from landreg.registry.base import Registry
from landreg.tiles import registry_change_key
from maps.assets import asset_path

router = APIRouter(prefix="/status", tags=["Status"], include_in_schema=False)

_TYPES = {".js": "text/javascript; charset=utf-8", ".html": "text/html; charset=utf-8"}


@dataclass(frozen=True)
class _Built:
    key: tuple[Any, ...]
    etag: str
    files: dict[str, bytes]


class SiteCache:
    """The rendered site (pages, map data, open data) for one registry change key and day."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._built: _Built | None = None

    def get(self, registry: Registry, *, layers_dir: Path) -> _Built:
        """The site as the registry is now, rendered again only when it changed."""
        key = (*registry_change_key(registry), dt.datetime.now(dt.UTC).date().isoformat())
        with self._lock:
            if self._built is None or self._built.key != key:
                self._built = _Built(key, _etag(key), _render(registry, layers_dir=layers_dir))
            return self._built


def _etag(key: tuple[Any, ...]) -> str:
    return '"' + hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:20] + '"'


def _render(registry: Registry, *, layers_dir: Path) -> dict[str, bytes]:
    from maps.site.data import load_site_data
    from maps.site.publish import open_data_paths, write_open_data_files
    from maps.site.render import render_site

    data = load_site_data(registry, layers_dir=layers_dir)
    with tempfile.TemporaryDirectory(prefix="landreg-status-") as tmp:
        root = Path(tmp)
        open_data = write_open_data_files(registry, root, layers_dir=layers_dir, as_of=None, report=data.report)
        extra = {rel: (root / rel).read_bytes() for rel in open_data_paths(open_data)}
    files = render_site(replace(data, open_data=open_data))
    return {**extra, **files}


def _cache(request: Request) -> SiteCache:
    cache = getattr(request.app.state, "status_site", None)
    if cache is None:
        cache = request.app.state.status_site = SiteCache()
    return cache


@router.get("", summary="The indicator site")
def status_root() -> RedirectResponse:
    """``/status`` → ``/status/`` (the pages' relative links need the slash)."""
    return RedirectResponse("/status/", status_code=308)


@router.get("/assets/{name:path}", summary="Assets of the indicator site")
def status_asset(name: str) -> FileResponse:
    """A stylesheet, script or image the pages load (vendored under ``maps/static``)."""
    from maps.site.render import SITE_ASSETS

    if name not in SITE_ASSETS:
        raise EntityNotFoundError(f"no asset {name!r} on the indicator site")
    return FileResponse(asset_path(name), headers={"Cache-Control": "public, max-age=3600"})


@router.get(
    "/{path:path}",
    summary="A page of the indicator site",
    dependencies=[Depends(expensive_request)],  # a page not cached yet renders the site's figures
)
def status_page(
    path: str,
    request: Request,
    registry: Registry = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
) -> Response:
    """A page (``/status/``, ``/status/kommune/5001.html``, ``/status/en/…``), the map data or an open-data file."""
    name = path + "index.html" if path == "" or path.endswith("/") else path
    check_analysis_size(request, registry)  # 413 over too many plots: publish those with `landreg publish`
    built = _cache(request).get(registry, layers_dir=settings.layers_dir)
    if name not in built.files:
        raise EntityNotFoundError(f"no page {'/status/' + path!r}; the site starts at /status/")
    headers = {"ETag": built.etag, "Cache-Control": "no-cache"}
    if request.headers.get("if-none-match") == built.etag:
        return Response(status_code=304, headers=headers)
    suffix = Path(name).suffix.lower()
    media = _TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(built.files[name], media_type=media, headers=headers)
