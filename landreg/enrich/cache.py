"""Road graphs kept per process, keyed on the content of the road layer they were built from.

Every ``landreg init`` and many analyses enrich a registry from the same bundled layers; with a
street-level network (60 000 links) building the graph costs about half a second each time.
:func:`cached_road_network` builds it once per distinct road frame: the key is a sha256 of the
geometries (WKB) and of every attribute column, so a changed frame — a road project added, a
speed edited — is never served a stale graph.  The graph is shared: callers must not modify it.
"""

from __future__ import annotations

import hashlib

import geopandas as gpd
import pandas as pd
import shapely

from landreg.crs import to_storage_crs
from landreg.enrich.network import RoadNetwork, build_road_network

#: How many graphs a process keeps (the oldest is dropped first).
MAX_CACHED_NETWORKS = 2
_NETWORKS: dict[str, RoadNetwork] = {}


def roads_fingerprint(roads: gpd.GeoDataFrame) -> str:
    """sha256 of a road frame's CRS, geometries (WKB) and attribute columns (names, dtypes, values)."""
    h = hashlib.sha256(str(roads.crs).encode())
    h.update(b"".join(shapely.to_wkb(roads.geometry.to_numpy())))
    attrs = pd.DataFrame(roads.drop(columns=roads.geometry.name))
    h.update(repr([(c, str(t)) for c, t in attrs.dtypes.items()]).encode())
    h.update(pd.util.hash_pandas_object(attrs, index=True).to_numpy().tobytes())
    return h.hexdigest()


def cached_road_network(roads: gpd.GeoDataFrame) -> RoadNetwork:
    """The graph of :func:`~landreg.enrich.network.build_road_network` (default parameters), built once per frame.

    Parameters
    ----------
    roads : GeoDataFrame
        Road layer with a declared CRS (see :func:`~landreg.enrich.network.build_road_network`).

    Returns
    -------
    RoadNetwork
        Shared between callers with equal frames: read it, never modify it.
    """
    roads = to_storage_crs(roads, where="roads")
    key = roads_fingerprint(roads)
    if key not in _NETWORKS:
        network = build_road_network(roads)
        while len(_NETWORKS) >= MAX_CACHED_NETWORKS:
            del _NETWORKS[next(iter(_NETWORKS))]
        _NETWORKS[key] = network
    return _NETWORKS[key]
