"""What the maps draw, gathered from the core: context layers with their attribution, scores, area statistics,
isochrones, a price surface and scenario reports.  Thin calls into :mod:`landreg`; no drawing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from landreg.provenance import SyntheticSummary
from landreg.registry.base import EntityTables

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
    "built_up",
    "placenames",
    "osm_roads",
)
#: Context layers read once per process (and again when their file changes): the base map's large layers.
_CACHED_LAYERS = frozenset({"osm_roads", "placenames", "built_up", "municipalities", "roads", "railways"})


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
        Layer id -> True for generated demonstration data: the manifest's flag of every layer
        it names (drawn or used by the enrichment), and for road projects their provenance.
    credits : dict
        Layer id -> the copyright notices of its manifest attribution
        (:attr:`~landreg.layers.manifest.LayerSpec.credits`), credited even for a synthetic layer
        that holds real features (business areas with OpenStreetMap outlines).
    """

    layers: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    attributions: dict[str, str] = field(default_factory=dict)
    synthetic: dict[str, bool] = field(default_factory=dict)
    credits: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, layer_id: str) -> gpd.GeoDataFrame | None:
        """The layer, or None when it is not loaded."""
        return self.layers.get(layer_id)

    def attribution(self, layer_ids: Sequence[str], *, notice: SyntheticSummary | None = None) -> list[str]:
        """Attribution lines for the layers drawn: the real sources, then the synthetic notice (if any).

        Parameters
        ----------
        layer_ids : sequence of str
            Layers drawn on the map.
        notice : SyntheticSummary, optional
            What is synthetic in the data drawn (:func:`map_notice`); nothing is said when none is.
        """
        lines: list[str] = []
        for lid in layer_ids:
            if lid not in self.layers:
                continue
            own = () if self.synthetic.get(lid) else (self.attributions.get(lid, ""),)
            for text in (*own, *self.credits.get(lid, ())):  # a synthetic layer's real features are credited
                if text and text not in lines:
                    lines.append(text)
        if notice is not None and notice.any_synthetic:
            lines.append(notice.text())
        return lines


def map_notice(
    context: MapContext | None,
    drawn: Sequence[str],
    *,
    plots: pd.DataFrame | None = None,
    groups: Sequence[str] | None = None,
) -> SyntheticSummary:
    """What is synthetic in what a map shows: the plots' fields, the business areas and the layers.

    Counted by :func:`landreg.provenance.summarize_synthetic` from the data itself: each plot's
    provenance, each business area's provenance, the manifest flag of each layer drawn and of
    each layer the plots' enrichment used (their ``layer_versions``).

    Parameters
    ----------
    context : MapContext or None
        The context layers.
    drawn : sequence of str
        Layer ids drawn on the map.
    plots : DataFrame, optional
        The plots drawn or analysed (with ``provenance``).
    groups : sequence of str, optional
        The plot field groups shown (default all).

    Returns
    -------
    SyntheticSummary
    """
    from landreg.provenance import layers_used_by, summarize_synthetic

    flags = context.synthetic if context is not None else {}
    layers = {lid: bool(flags.get(lid)) for lid in drawn if lid not in ("business_areas",) and lid in flags}
    if plots is not None:
        layers.update(layers_used_by(plots, manifest=flags))
    areas = context.get("business_areas") if context is not None and "business_areas" in drawn else None
    return summarize_synthetic(plots, groups=groups, business_areas=areas, layers=dict(sorted(layers.items())) or None)


def load_map_context(
    *,
    layers_dir: str | Path,
    registry: EntityTables | None = None,
    layer_ids: Sequence[str] = CONTEXT_LAYERS,
) -> MapContext:
    """Load the context layers of ``layers.toml`` (business areas from the registry when given).

    Parameters
    ----------
    layers_dir : str or Path
        Folder with ``layers.toml``.
    registry : EntityTables, optional
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
    ctx.synthetic.update({s.id: s.synthetic for s in manifest.layers})
    ctx.credits.update({s.id: s.credits for s in manifest.layers})
    for lid in layer_ids:
        spec = specs.get(lid)
        if spec is None or spec.kind != "vector":
            continue
        ctx.layers[lid] = _load_cached(spec) if lid in _CACHED_LAYERS else load_layer_spec(spec)  # type: ignore[assignment]
        ctx.attributions[lid] = spec.attribution
    if registry is not None:  # business areas and road projects as stored (they may have been edited)
        areas = registry.load_business_areas()
        if len(areas):
            _add_entities(ctx, "business_areas", areas)
        _add_entities(ctx, "road_projects", registry.load_road_projects())
    return ctx


def _load_cached(spec: Any) -> gpd.GeoDataFrame:
    """A manifest layer from the per-process cache, read again when its file has changed."""
    from landreg.layers.load import load_layer_spec

    path = Path(spec.path)
    key = (str(path.resolve()), spec.id, path.stat().st_mtime_ns if path.exists() else 0)
    if key not in _LAYER_CACHE:
        if len(_LAYER_CACHE) > 32:  # layers of files since replaced: start afresh
            _LAYER_CACHE.clear()
        _LAYER_CACHE[key] = load_layer_spec(spec)
    return _LAYER_CACHE[key].copy(deep=False)  # columns may be added by a caller; the geometries are shared


_LAYER_CACHE: dict[tuple[str, str, int], Any] = {}


def _add_entities(ctx: MapContext, layer_id: str, frame: gpd.GeoDataFrame) -> None:
    """Registry entities as a context layer: synthetic when any outline's provenance says so, else its sources."""
    from landreg.provenance import entry_is_synthetic, entry_of, parse_provenance

    entries = [entry_of(parse_provenance(p), "geometry") for p in frame["provenance"]] if "provenance" in frame else []
    ctx.layers[layer_id] = frame
    ctx.synthetic[layer_id] = any(entry_is_synthetic(e) for e in entries)
    ctx.attributions[layer_id] = "; ".join(sorted({str(e.get("source")) for e in entries if e and e.get("source")}))


def region_isochrones(context: MapContext, *, target: str, minutes: Sequence[float] = (10, 20, 30)) -> gpd.GeoDataFrame:
    """Travel-time isochrones around ``target`` (e.g. ``"port"``) over the context's roads."""
    from landreg.enrich import build_road_network, travel_time_isochrones

    roads, destinations = context.get("roads"), context.get("destinations")
    if roads is None or destinations is None:
        raise ValueError("isochrones need the 'roads' and 'destinations' layers in the map context")
    return travel_time_isochrones(build_road_network(roads), destinations, target=target, minutes=minutes)
