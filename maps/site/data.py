"""What the indicator site shows, gathered once from the registry and the layers: :class:`SiteData`.

The figures are :func:`landreg.indicators.compute_indicators`'s, unchanged; this module only
adds what the pages need around them: the ten municipalities of Trondheimsregionen (also one
without plots gets its page), the business areas and the municipality each lies in, the
layers' sources and licences, and the map's light geometry (lon/lat, simplified).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

from landreg.indicators import IndicatorReport, ScopeIndicators, compute_registry_indicators
from landreg.layers import load_layer
from landreg.layers.manifest import load_manifest
from landreg.municipalities import REGION_MUNICIPALITY_NOS, TRONDELAG_MUNICIPALITIES
from landreg.registry import PlotQuery
from maps.encode import geojson_collection, to_web

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource

#: Decimals of the map's coordinates (5 ≈ 1 m) and the simplification of plots and outlines (m).
MAP_DECIMALS = 5
PLOT_SIMPLIFY_M = 1.0
OUTLINE_SIMPLIFY_M = 50.0


@dataclass(frozen=True)
class Place:
    """A municipality or business area that gets a page.

    Attributes
    ----------
    scope : str
        ``"municipality"`` or ``"business_area"``.
    key : str
        Kommunenummer or business area id.
    name : str
    municipality_no : str or None
        For a business area: the municipality it lies in.
    indicators : ScopeIndicators or None
        Its figures; None when no plot of the registry lies in it.
    """

    scope: str
    key: str
    name: str
    municipality_no: str | None
    indicators: ScopeIndicators | None


@dataclass(frozen=True)
class LayerSource:
    """A layer of ``layers.toml`` as the methods page names it."""

    id: str
    description: str
    source: str
    license: str
    attribution: str
    synthetic: bool


@dataclass(frozen=True)
class OpenDataEntry:
    """A dataset of the open-data page, in one language.

    Attributes
    ----------
    title, description : str
    licence : str
        The licence's name.
    synthetic_share : float
        0–1: how much of it rests on synthetic data.
    files : tuple of (str, str, int)
        Each file's path relative to the site's root, its format and its size in bytes.
    """

    title: str
    description: str
    licence: str
    synthetic_share: float
    files: tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class OpenData:
    """The open-data files of one language and their DCAT-AP-NO catalogue (path relative to the site's root)."""

    catalogue: str
    entries: tuple[OpenDataEntry, ...]


@dataclass(frozen=True)
class SiteData:
    """Everything the pages show.

    Attributes
    ----------
    report : IndicatorReport
        The figures (``compute_indicators``).
    municipalities, areas : tuple of Place
        One page each.
    layers : tuple of LayerSource
        The manifest's layers (methods page).
    map_data : dict
        GeoJSON (lon/lat) of the plots, business areas and municipalities, and each page's bounds.
    as_of_requested : datetime or None
        The ``as_of`` asked for (None: the registry now).
    open_data : dict
        Language -> :class:`OpenData` (empty until the files are written).
    """

    report: IndicatorReport
    municipalities: tuple[Place, ...]
    areas: tuple[Place, ...]
    layers: tuple[LayerSource, ...]
    map_data: dict[str, Any]
    as_of_requested: dt.datetime | None = None
    open_data: dict[str, OpenData] = field(default_factory=dict)

    def place(self, scope: str, key: str) -> Place:
        """The municipality or business area ``key``.

        Raises
        ------
        KeyError
            When the site has no such page.
        """
        for p in (*self.municipalities, *self.areas):
            if p.scope == scope and p.key == key:
                return p
        raise KeyError(f"no {scope} {key!r} on the site")


def load_site_data(registry: AnalysisSource, *, layers_dir: str | Path, as_of: dt.datetime | None = None) -> SiteData:
    """Gather the site's figures, places, sources and map from an enriched registry.

    The figures are :func:`landreg.indicators.compute_registry_indicators`'s, as the service's
    ``/analysis/indicators`` and ``landreg indicators`` give them.

    Parameters
    ----------
    registry : PlotRegistry
        An open, enriched registry (only read).
    layers_dir : str or Path
        Folder with ``layers.toml``.
    as_of : datetime, optional
        Show the registry as recorded at this time (UTC when naive); default now.

    Returns
    -------
    SiteData

    Raises
    ------
    NotEnrichedError
        When the registry was never enriched.
    """
    manifest = load_manifest(layers_dir)
    report = compute_registry_indicators(registry, layers_dir=layers_dir, as_of=as_of)  # as the API and CLI do
    areas_frame = registry.load_business_areas()
    munis = []
    for no in sorted(REGION_MUNICIPALITY_NOS):
        scope = _scope(report, "municipality", no)
        munis.append(Place("municipality", no, TRONDELAG_MUNICIPALITIES[no], None, scope))
    areas = []
    for row in areas_frame.sort_values("name").itertuples():
        scope = _scope(report, "business_area", str(row.area_id))
        areas.append(Place("business_area", str(row.area_id), str(row.name), str(row.municipality_no), scope))
    layers = tuple(
        LayerSource(s.id, s.description, s.source, s.license, s.attribution, bool(s.synthetic)) for s in manifest.layers
    )
    plots = registry.query_plots(PlotQuery(as_of=report.as_of)) if as_of is not None else registry.query_plots()
    municipalities = load_layer("municipalities", layers_dir=layers_dir)
    map_data = _map_data(plots, areas_frame, municipalities)
    map_data["attribution"] = _credits(manifest, ("municipalities", "business_areas"))
    return SiteData(report, tuple(munis), tuple(areas), layers, map_data, as_of)


def _credits(manifest: Any, layer_ids: tuple[str, ...]) -> list[str]:
    """The copyright notices of the layers the map draws (a synthetic layer's real features included)."""
    lines: list[str] = []
    for spec in manifest.layers:
        if spec.id in layer_ids:
            for text in ((spec.attribution,) if not spec.synthetic else ()) + spec.credits:
                if text not in lines:
                    lines.append(text)
    return lines


def _scope(report: IndicatorReport, scope: str, key: str) -> ScopeIndicators | None:
    try:
        return report.scope(scope, key)
    except KeyError:
        return None


def _bounds(frame: gpd.GeoDataFrame) -> list[float] | None:
    if not len(frame):
        return None
    return [round(float(v), 4) for v in frame.total_bounds]


def _map_data(plots: gpd.GeoDataFrame, areas: gpd.GeoDataFrame, municipalities: Any) -> dict[str, Any]:
    """Plots, business areas and the region's municipalities in lon/lat, with each page's bounds."""
    web_plots = to_web(
        plots[["code", "status", "municipality_no", "business_area_id", "geometry"]], simplify_m=PLOT_SIMPLIFY_M
    )
    region = municipalities[municipalities["kommunenummer"].astype(str).isin(REGION_MUNICIPALITY_NOS)]
    web_munis = to_web(region[["kommunenummer", "kommunenavn", "geometry"]], simplify_m=OUTLINE_SIMPLIFY_M)
    web_areas = (
        to_web(areas[["area_id", "name", "municipality_no", "geometry"]], simplify_m=PLOT_SIMPLIFY_M)
        if len(areas)
        else areas
    )
    bounds: dict[str, Any] = {"region": _bounds(web_munis)}
    for no in REGION_MUNICIPALITY_NOS:
        mine = web_plots[web_plots["municipality_no"].astype(str) == no]
        outline = web_munis[web_munis["kommunenummer"].astype(str) == no]
        bounds[f"municipality:{no}"] = _bounds(mine) or _bounds(outline)
    for area_id in pd.Series(web_areas["area_id"] if len(web_areas) else [], dtype=object).astype(str):
        bounds[f"business_area:{area_id}"] = _bounds(web_areas[web_areas["area_id"].astype(str) == area_id])
    return {
        "plots": geojson_collection(
            web_plots, columns=["code", "status", "municipality_no", "business_area_id"], decimals=MAP_DECIMALS
        ),
        "areas": geojson_collection(web_areas, columns=["area_id", "name"], decimals=MAP_DECIMALS)
        if len(web_areas)
        else None,
        "municipalities": geojson_collection(web_munis, columns=["kommunenummer", "kommunenavn"], decimals=4),
        "bounds": bounds,
    }
