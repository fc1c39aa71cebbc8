"""The generated pages reference no external URL except the optional web tile layer."""

from __future__ import annotations

import re

import pytest

from maps.assets import CSS_ASSETS, JS_ASSETS, _inline_css, _inline_js
from maps.layers import WEB_TILES_URL

_URL = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'<>)\\]*""")
_REFERENCE = re.compile(
    r"""(?:src|href)\s*=\s*["']?\s*((?:https?:)?//[^"'\s>]+)|url\(\s*["']?((?:https?:)?//[^)"']+)""", re.IGNORECASE
)


def external_urls(html: str) -> set[str]:
    """URLs to other hosts in ``html``, outside the vendored Leaflet files (an SVG namespace and links to bug
    reports in comments, no fetch: :func:`references` checks those files too)."""
    for name in JS_ASSETS:
        html = html.replace(_inline_js(name), "")
    for name in CSS_ASSETS:
        html = html.replace(_inline_css(name), "")
    return set(_URL.findall(html))


#: The link of Leaflet's default attribution prefix (a string in leaflet.js); the maps replace the prefix with
#: plain "Leaflet" (``MapDecorations``), so it is never shown, and it is an anchor, never fetched.
LEAFLET_PREFIX_LINK = "https://leafletjs.com"


def references(html: str) -> set[str]:
    """Every ``src=``, ``href=`` and CSS ``url()`` that points to another host, vendored code included."""
    return {a or b for a, b in _REFERENCE.findall(html)} - {LEAFLET_PREFIX_LINK}


def _maps(scores, context, registry, layers_dir, assets):
    from landreg.analysis import area_statistics
    from maps import build_overview_map, build_plot_map, scenario_map_from_registry

    stats = area_statistics(scores, areas=context.get("business_areas"))
    return {
        "plots": build_plot_map(scores, context=context, assets=assets),
        "overview": build_overview_map(context, area_stats=stats, assets=assets),
        "scenario": scenario_map_from_registry(
            registry, "torgard-terminal-built", layers_dir=layers_dir, assets=assets
        ),
    }


@pytest.mark.parametrize("assets", ["inline", "/maps/static"])
def test_no_external_url_but_the_optional_tiles(scores, context, registry, layers_dir, assets):
    for name, m in _maps(scores, context, registry, layers_dir, assets).items():
        html = m.get_root().render()
        assert external_urls(html) == {WEB_TILES_URL}, name
        assert references(html) == set(), name
        assert "show: false" in html.lower() or '"show": false' in html.lower() or WEB_TILES_URL in html


def test_without_web_tiles_no_external_url_at_all(scores, context):
    from maps import build_plot_map

    html = build_plot_map(scores, context=context, web_tiles=False).get_root().render()
    assert external_urls(html) == set()


def test_the_checks_catch_cdn_links():
    page = '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>'
    assert external_urls(page) and references(page)
    assert references("<style>a{background:url(//example.org/x.png)}</style>") == {"//example.org/x.png"}
