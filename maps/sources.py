"""What the maps draw, gathered from the core: context layers with their attribution, scores, area statistics,
isochrones, a price surface and scenario reports.  Thin calls into :mod:`landreg`; no drawing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd

#: Context layers drawn by the maps (ids of ``layers.toml``).
CONTEXT_LAYERS: tuple[str, ...] = (
    "municipalities",
    "roads",
    "railways",
    "destinations",
    "protected_areas",
    "quick_clay",
    "flood",
    "osm_streets",
    "business_areas",
)
SYNTHETIC_TEXT = "synthetic demonstration data"


@dataclass
class MapContext:
    """Context layers (EPSG:25832) and where they came from.

    Attributes
    ----------
    layers : dict
        Layer id -> GeoDataFrame.
    attributions : dict
        Layer id -> attribution text of the manifest.
    synthetic : dict
        Layer id -> True for generated demonstration data.
    """

    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    attributions: dict[str, str] = field(default_factory=dict)
    synthetic: dict[str, bool] = field(default_factory=dict)

    def get(self, layer_id: str) -> gpd.GeoDataFrame | None:
        """The layer, or None when it is not loaded."""
        return self.layers.get(layer_id)

    def attribution(self, layer_ids: Sequence[str], *, synthetic_what: Sequence[str] = ()) -> list[str]:
        """Attribution lines for the layers drawn: real sources, then what is synthetic.

        Parameters
        ----------
        layer_ids : sequence of str
            Layers drawn on the map.
        synthetic_what : sequence of str
            Other synthetic content drawn (e.g. ``"plots"``, ``"prices"``).
        """
        real: list[str] = []
        fake: list[str] = list(synthetic_what)
        for lid in layer_ids:
            if lid not in self.layers:
                continue
            if self.synthetic.get(lid):
                fake.append(lid.replace("_", " "))
            else:
                text = self.attributions.get(lid, "")
                if text and text not in real:
                    real.append(text)
        lines = real
        if fake:
            lines.append(f"{', '.join(dict.fromkeys(fake)).capitalize()}: {SYNTHETIC_TEXT}")
        return lines


def load_map_context(
    *,
    layers_dir: str | Path,
    registry: Any = None,
    layer_ids: Sequence[str] = CONTEXT_LAYERS,
) -> MapContext:
    """Load the context layers of ``layers.toml`` (business areas from the registry when given).

    Parameters
    ----------
    layers_dir : str or Path
        Folder with ``layers.toml``.
    registry : GeoPackageRegistry, optional
        Business areas and road projects are read from it (they may have been edited).
    layer_ids : sequence of str
        Layers to load; unknown ids are skipped.

    Returns
    -------
    MapContext
    """
    from landreg.layers.load import load_layer_spec
    from landreg.layers.manifest import load_manifest

    manifest = load_manifest(layers_dir)
    specs = {s.id: s for s in manifest.layers}
    ctx = MapContext()
    for lid in layer_ids:
        spec = specs.get(lid)
        if spec is None or spec.kind != "vector":
            continue
        ctx.layers[lid] = load_layer_spec(spec)  # type: ignore[assignment]
        ctx.attributions[lid] = spec.attribution
        ctx.synthetic[lid] = spec.synthetic
    if registry is not None:
        areas = registry.load_business_areas()
        if len(areas):
            ctx.layers["business_areas"] = areas
            ctx.synthetic["business_areas"] = True
        projects = registry.load_road_projects()
        ctx.layers["road_projects"] = projects
        ctx.synthetic["road_projects"] = True
    return ctx


def region_isochrones(context: MapContext, *, target: str, minutes: Sequence[float] = (10, 20, 30)) -> gpd.GeoDataFrame:
    """Travel-time isochrones around ``target`` (e.g. ``"port"``) over the context's roads."""
    from landreg.enrich import build_road_network, travel_time_isochrones

    roads, destinations = context.get("roads"), context.get("destinations")
    if roads is None or destinations is None:
        raise ValueError("isochrones need the 'roads' and 'destinations' layers in the map context")
    return travel_time_isochrones(build_road_network(roads), destinations, target=target, minutes=minutes)
