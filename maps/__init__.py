"""Map builders (folium/Leaflet, offline-first) and static maps and charts (matplotlib) for landreg.

* :mod:`maps.build` — :func:`build_overview_map`, :func:`build_plot_map`, :func:`build_scenario_map`;
* :mod:`maps.from_registry` — the same maps straight from a registry (CLI and API);
* :mod:`maps.sources` — :class:`MapContext` and the core results the maps draw;
* :mod:`maps.assets` — :func:`offline_map`: folium with vendored Leaflet, inlined or served;
* :mod:`maps.static_png` — PNG maps for reports; :mod:`maps.charts` — price charts;
* :mod:`maps.cli` — ``landreg map overview|plots|scenario``.

``maps`` imports ``landreg`` but never ``api``.
"""

from __future__ import annotations

from maps.assets import SERVED_PREFIX, STATIC_DIR, offline_map
from maps.build import build_overview_map, build_plot_map, build_scenario_map
from maps.from_registry import overview_map_from_registry, plot_map_from_registry, scenario_map_from_registry
from maps.sources import MapContext, load_map_context
from maps.static_png import overview_png, plot_map_png, save_map_png, scenario_png

__all__ = [
    "SERVED_PREFIX",
    "STATIC_DIR",
    "MapContext",
    "build_overview_map",
    "build_plot_map",
    "build_scenario_map",
    "load_map_context",
    "offline_map",
    "overview_map_from_registry",
    "overview_png",
    "plot_map_from_registry",
    "plot_map_png",
    "save_map_png",
    "scenario_map_from_registry",
    "scenario_png",
]
