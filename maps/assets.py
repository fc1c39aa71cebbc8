"""Offline assets (Leaflet 1.9.4 and the landreg map script) and folium maps that use only them.

folium's default page loads Leaflet, jQuery, Bootstrap and Font Awesome from
CDNs, so offline it renders blank.  :func:`offline_map` replaces folium's
default JavaScript and CSS lists with the copies vendored under
``maps/static/`` (Leaflet's own files from its npm tarball, with its BSD-2
licence), either inlined into the page (``assets="inline"``: a standalone
file that works from ``file://``) or linked under a URL prefix (the API serves
them at ``/maps/static/...``).  Popups, layer control, scale bar, search and
legend need nothing else.
"""

from __future__ import annotations

import base64
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

STATIC_DIR = Path(__file__).resolve().parent / "static"
#: URL prefix under which the API serves :data:`STATIC_DIR`.
SERVED_PREFIX = "/maps/static"
JS_ASSETS: tuple[str, ...] = ("leaflet/leaflet.js", "landreg/landreg-map.js")
CSS_ASSETS: tuple[str, ...] = ("leaflet/leaflet.css", "landreg/landreg-map.css")
LEAFLET_VERSION = "1.9.4"

_CSS_URL = re.compile(r"url\((?!['\"]?(?:data:|#))['\"]?([^)'\"]+)['\"]?\)")


def asset_path(name: str) -> Path:
    """The vendored file ``name`` (relative to ``maps/static``).

    Raises
    ------
    FileNotFoundError
        When ``name`` is not a file under ``maps/static`` (also for ``..`` escapes).
    """
    path = (STATIC_DIR / name).resolve()
    if STATIC_DIR not in path.parents or not path.is_file():
        raise FileNotFoundError(f"no map asset {name!r} under {STATIC_DIR}")
    return path


@lru_cache(maxsize=8)
def _inline_css(name: str) -> str:
    """The CSS file with its relative ``url(...)`` images turned into data URIs."""
    path = asset_path(name)
    text = path.read_text(encoding="utf-8")

    def data_uri(match: re.Match[str]) -> str:
        image = (path.parent / match.group(1)).resolve()
        mime = "image/png" if image.suffix == ".png" else "image/svg+xml"
        return f"url(data:{mime};base64,{base64.b64encode(image.read_bytes()).decode('ascii')})"

    return _CSS_URL.sub(data_uri, text)


@lru_cache(maxsize=8)
def _inline_js(name: str) -> str:
    return asset_path(name).read_text(encoding="utf-8").replace("</script", "<\\/script")


def _asset_elements(assets: str) -> list[tuple[str, str]]:
    """(name, html) of the head elements that load the assets."""
    out = []
    if assets == "inline":
        out += [(f"css_{n}", f"<style>{_inline_css(n)}</style>") for n in CSS_ASSETS]
        out += [(f"js_{n}", f"<script>{_inline_js(n)}</script>") for n in JS_ASSETS]
    else:
        prefix = assets.rstrip("/")
        out += [(f"css_{n}", f'<link rel="stylesheet" href="{prefix}/{n}"/>') for n in CSS_ASSETS]
        out += [(f"js_{n}", f'<script src="{prefix}/{n}"></script>') for n in JS_ASSETS]
    return out


def offline_map(
    bounds: tuple[float, float, float, float] | None = None,
    *,
    assets: str = "inline",
    title: str | None = None,
    min_zoom: int = 6,
    max_zoom: int = 18,
    lang: str | None = None,
    **map_kwargs: Any,
) -> Any:
    """A folium Map that loads only local Leaflet files: no CDN, no base tiles.

    Parameters
    ----------
    bounds : (west, south, east, north), optional
        Initial view in degrees (CRS84); the map fits it.
    assets : str
        ``"inline"`` to embed the assets in the page (standalone file), or a URL
        prefix under which ``maps/static`` is served (e.g. ``"/maps/static"``).
    title : str, optional
        The page's ``<title>``.
    min_zoom : int
        Farthest the map can be zoomed out.
    max_zoom : int
        Closest the map can be zoomed in.
    lang : str, optional
        The page's language (``<html lang>``), which also sets how the map script writes numbers.
    **map_kwargs
        Passed to :class:`folium.Map` (``tiles`` is always None: web tiles are an
        optional overlay, see :func:`maps.layers.add_web_tiles`).

    Returns
    -------
    folium.Map
    """
    import folium
    from branca.element import Element

    m = folium.Map(tiles=None, control_scale=True, min_zoom=min_zoom, max_zoom=max_zoom, **map_kwargs)
    m.default_js = []  # instance lists: folium's class lists stay untouched
    m.default_css = []
    root: Any = m.get_root()  # a branca Figure: header, html, script
    header = root.header
    header.add_child(Element('<link rel="icon" href="data:,"/>'), name="no_favicon")  # no /favicon.ico request
    for name, html in _asset_elements(assets):
        header.add_child(Element(html), name=name)
    if lang is not None:
        root._template = _page_template(lang)
        header.add_child(Element(_zoom_titles_script(lang)), name="zoom_titles")  # after Leaflet, before the map
    if title:
        root.title = title
        header.add_child(Element(f"<title>{_html_escape(title)}</title>"), name="page_title")
    if bounds is not None:
        west, south, east, north = bounds
        m.fit_bounds([[south, west], [north, east]])
    return m


def _zoom_titles_script(lang: str) -> str:
    """A script that names Leaflet's zoom buttons in ``lang`` (their title and aria-label; Leaflet says "Zoom in")."""
    import json

    from landreg.i18n import translator

    _ = translator(lang, "maps").gettext
    titles = json.dumps({"zoomInTitle": _("Zoom in"), "zoomOutTitle": _("Zoom out")}, ensure_ascii=False)
    titles = titles.replace("</", "<\\/")  # never ends the script element
    return f"<script>L.Control.Zoom.mergeOptions({titles});</script>"


def _page_template(lang: str) -> Any:
    """branca's page template with the page's language on ``<html>``."""
    from branca.element import Template

    from landreg.i18n import check_lang

    return Template(
        "<!DOCTYPE html>\n"
        f'<html lang="{check_lang(lang)}">\n'
        "<head>\n"
        "    {{this.header.render(**kwargs)}}\n"
        "</head>\n"
        "<body>\n"
        "    {{this.html.render(**kwargs)}}\n"
        "</body>\n"
        "<script>\n"
        "    {{this.script.render(**kwargs)}}\n"
        "</script>\n"
        "</html>\n",
    )


def _html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)
