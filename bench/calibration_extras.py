"""Figures beside the calibration: how far plots lie from their road, and what the street network costs in time.

* :func:`snap_distances` — the straight access leg of every demo plot inside the street coverage, on
  the N1000 graph alone and on the combined graph (the routable component, as the enrichment snaps).
* :func:`enrichment_times` — ``enrich_registry(force=True)`` of the demo registry with N1000 alone, with
  the combined network in a cold process state (layers read and combined, graph built), and cached.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from bench.common import median_time, timed
from landreg.enrich import EnrichLayerIds, build_road_network, enrich_registry
from landreg.enrich import cache as network_cache
from landreg.enrich import inputs as enrich_inputs
from landreg.enrich.snapping import snap_to_network
from landreg.layers import load_layer


def snap_distances(
    regional: gpd.GeoDataFrame, combined: gpd.GeoDataFrame, *, coverage: gpd.GeoDataFrame, layers_dir: Path
) -> pd.DataFrame:
    """Median, 90th percentile and largest access leg of the demo plots inside the coverage, per network."""
    plots = load_layer("demo_plots", layers_dir=layers_dir)
    inside = plots[plots.within(coverage.union_all())].geometry.to_numpy()
    rows = []
    for name, roads in (("N1000 only", regional), ("streets + N1000", combined)):
        d = snap_to_network(inside, build_road_network(roads), main_only=True).distance_m
        rows.append(
            {
                "network": name,
                "plots": len(inside),
                "median_m": float(np.median(d)),
                "p90_m": float(np.percentile(d, 90)),
                "max_m": float(d.max()),
            }
        )
    return pd.DataFrame(rows)


def _clear_caches() -> None:
    enrich_inputs._COMBINED.clear()
    network_cache._NETWORKS.clear()


def enrichment_times(layers_dir: Path) -> pd.DataFrame:
    """Seconds of a forced enrichment of the demo registry: N1000 only, streets cold, streets cached."""
    from landreg.layers.build import create_registry_from_layers
    from landreg.registry import open_registry

    with tempfile.TemporaryDirectory() as tmp:
        path = create_registry_from_layers(Path(tmp) / "demo.gpkg", layers_dir=layers_dir).path
        reg = open_registry(path)
        try:
            n1000_ids = EnrichLayerIds(streets=None, street_coverage=None)
            n1000 = median_time(
                lambda: (_clear_caches(), enrich_registry(reg, layers_dir=layers_dir, force=True, layer_ids=n1000_ids)),
                repeat=3,
            )
            colds = []
            for _ in range(3):
                _clear_caches()
                colds.append(timed(lambda: enrich_registry(reg, layers_dir=layers_dir, force=True))[0])
            cached = median_time(lambda: enrich_registry(reg, layers_dir=layers_dir, force=True), repeat=3)
        finally:
            reg.close()
    cases = [
        ("N1000 only", n1000),
        ("streets + N1000, cold", float(np.median(colds))),
        ("streets + N1000, cached", cached),
    ]
    return pd.DataFrame(
        {"case": [c for c, _ in cases], "seconds": [s for _, s in cases], "ratio": [s / n1000 for _, s in cases]}
    )
