"""The regional layers the enrichment reads, and a version fingerprint of each.

A layer's version is the sha256 of its manifest entry (as parsed) together
with the sha256 of its file.  A GeoPackage holding several layers changes
version when any of them changes: conservative (a needless recompute, never
a stale value).  Layers missing from the manifest are optional: the parts
that need them report ``not_checked`` / ``no_data`` / ``no_network``.

Roads: when the manifest has a street-level network and its coverage polygon
(ids ``osm_roads`` and ``osm_coverage`` by default), ``EnrichInputs.roads`` is
the combination of :func:`~landreg.enrich.combine.combine_road_networks`: the
streets inside the coverage, the regional roads outside, joined at its edge.
The combined frame is kept per process, keyed on the three layers' versions
(a copy is handed out), so building registries from the same layers again
does not read and combine 60 000 street links again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

from landreg.enrich.combine import combine_road_networks
from landreg.enrich.hazards import HazardLayer
from landreg.errors import ConfigurationError

#: Combined road frames of this process, keyed on the versions of the layers they were made from.
_COMBINED: dict[tuple[str, str, str], gpd.GeoDataFrame] = {}
_COMBINED_MAX = 4


@dataclass(frozen=True)
class EnrichLayerIds:
    """Manifest ids of the layers the enrichment uses.

    Attributes
    ----------
    roads, destinations, dem : str
    streets, street_coverage : str or None
        A street-level road layer and the polygon where it is complete; used inside the
        polygon instead of ``roads`` (None, or absent from the manifest: ``roads`` everywhere).
    hazards : tuple of (name, zones id, coverage id or None)
        ``name`` is the column prefix; a coverage of None means mapped everywhere.
    """

    roads: str = "roads"
    streets: str | None = "osm_roads"
    street_coverage: str | None = "osm_coverage"
    destinations: str = "destinations"
    dem: str = "dem"
    hazards: tuple[tuple[str, str, str | None], ...] = (
        ("quick_clay", "quick_clay", "quick_clay_coverage"),
        ("flood", "flood", "flood_coverage"),
        ("protected_area", "protected_areas", None),
    )


@dataclass
class EnrichInputs:
    """Loaded layers (EPSG:25832) and their versions.

    Attributes
    ----------
    roads, destinations : GeoDataFrame or None
    dem_path : Path or None
    hazards : list of HazardLayer
    layer_versions : dict
        Layer id -> version fingerprint (``"absent"`` for a missing layer).
    """

    roads: gpd.GeoDataFrame | None = None
    destinations: gpd.GeoDataFrame | None = None
    dem_path: Path | None = None
    hazards: list[HazardLayer] = field(default_factory=list)
    layer_versions: dict[str, str] = field(default_factory=dict)


def _sha256_file(path: Path, cache: dict[Path, str]) -> str:
    if path not in cache:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
        cache[path] = h.hexdigest()
    return cache[path]


def load_enrich_inputs(layers_dir: str | Path, *, ids: EnrichLayerIds | None = None) -> EnrichInputs:
    """Load the enrichment layers named in ``layers_dir/layers.toml``.

    Parameters
    ----------
    layers_dir : str or Path
        Folder with ``layers.toml`` (or the manifest file).
    ids : EnrichLayerIds, optional
        Which manifest ids to use.

    Returns
    -------
    EnrichInputs

    Raises
    ------
    ConfigurationError
        When the manifest is missing or malformed, or a named layer's file cannot be read.
    """
    from landreg.layers.load import load_layer_spec
    from landreg.layers.manifest import load_manifest

    ids = ids or EnrichLayerIds()
    manifest = load_manifest(layers_dir)
    known = {s.id: s for s in manifest.layers}
    hashes: dict[Path, str] = {}
    out = EnrichInputs()

    def version(layer_id: str | None) -> str | None:
        if layer_id is None:
            return None
        spec = known.get(layer_id)
        if spec is None:
            out.layer_versions[layer_id] = "absent"
            return None
        if not spec.path.is_file():
            raise ConfigurationError(f"layer {layer_id!r}: file {spec.path} does not exist")
        entry = json.dumps({k: str(v) for k, v in dataclasses.asdict(spec).items() if k != "path"}, sort_keys=True)
        digest = hashlib.sha256((entry + _sha256_file(spec.path, hashes)).encode()).hexdigest()
        out.layer_versions[layer_id] = digest
        return digest

    def load(layer_id: str | None) -> object:
        return None if version(layer_id) is None else load_layer_spec(known[str(layer_id)])

    out.roads = _load_roads(ids, version, load)
    out.destinations = load(ids.destinations)  # type: ignore[assignment]
    dem = load(ids.dem)
    out.dem_path = Path(str(dem)) if dem is not None else None
    for name, zones_id, coverage_id in ids.hazards:
        zones = load(zones_id)
        coverage = load(coverage_id)
        if coverage_id is not None and coverage is None:
            zones = None  # without its coverage a "clear" could not be told from "not mapped"
        out.hazards.append(HazardLayer(name, zones, coverage))  # type: ignore[arg-type]
    return out


def _load_roads(
    ids: EnrichLayerIds, version: Callable[[str | None], str | None], load: Callable[[str | None], object]
) -> gpd.GeoDataFrame | None:
    """The regional roads, combined with the street layer inside its coverage when both are in the manifest."""
    regional_v, streets_v, coverage_v = version(ids.roads), version(ids.streets), version(ids.street_coverage)
    if regional_v is None or streets_v is None:
        return load(ids.roads) if regional_v is not None else None  # type: ignore[return-value]
    if coverage_v is None:
        raise ConfigurationError(
            f"layer {ids.streets!r} is a street network but the manifest has no coverage layer "
            f"{ids.street_coverage!r}; add the polygon where the street network is complete"
        )
    key = (regional_v, streets_v, coverage_v)
    if key not in _COMBINED:
        combined = combine_road_networks(
            load(ids.roads),  # type: ignore[arg-type]
            load(ids.streets),  # type: ignore[arg-type]
            coverage=load(ids.street_coverage),  # type: ignore[arg-type]
        ).roads
        while len(_COMBINED) >= _COMBINED_MAX:
            del _COMBINED[next(iter(_COMBINED))]
        _COMBINED[key] = combined
    return _COMBINED[key].copy()
