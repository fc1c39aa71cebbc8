"""Enrichment: derived attributes per plot — road access, terrain and hazards (EPSG:25832, m, s, degrees).

* :mod:`~landreg.enrich.network` builds the routable road graph (scipy CSR), with ferries joined to
  the roads by :mod:`~landreg.enrich.ferries`;
* :mod:`~landreg.enrich.snapping` connects plots and destinations to it;
* :mod:`~landreg.enrich.routing` runs one multi-source Dijkstra for all targets;
* :mod:`~landreg.enrich.access` gives travel times, distances and road-class distances per plot;
* :mod:`~landreg.enrich.isochrones` draws travel-time isochrones;
* :mod:`~landreg.enrich.calibration` compares model drive times with published reference times;
* :mod:`~landreg.enrich.coverage` and :mod:`~landreg.enrich.terrain` give exact coverage-weighted DEM statistics;
* :mod:`~landreg.enrich.hazards` gives hazard shares with inside / clear / not_checked;
* :mod:`~landreg.enrich.pipeline` enriches a registry incrementally and joins the results to the plots.
"""

from __future__ import annotations

from landreg.enrich.access import ROAD_CLASSES, access_columns, compute_road_access, distance_to_road_classes
from landreg.enrich.coverage import CellCoverage, cell_coverage
from landreg.enrich.errors import UnreachablePlotError
from landreg.enrich.hazards import HazardLayer, compute_hazard_shares
from landreg.enrich.inputs import EnrichInputs, EnrichLayerIds, load_enrich_inputs
from landreg.enrich.isochrones import travel_time_isochrones
from landreg.enrich.network import NetworkSummary, RoadNetwork, build_road_network
from landreg.enrich.pipeline import EnrichParams, EnrichReport, enrich_plots, enrich_registry, enriched_plots
from landreg.enrich.routing import DEFAULT_TARGETS, AccessTarget, TargetTimes, route_to_targets
from landreg.enrich.snapping import DEFAULT_ACCESS_SPEED_KMH, Snap, snap_to_network
from landreg.enrich.terrain import compute_terrain, slope_deg_from_dem

__all__ = [
    "DEFAULT_ACCESS_SPEED_KMH",
    "DEFAULT_TARGETS",
    "ROAD_CLASSES",
    "AccessTarget",
    "CellCoverage",
    "EnrichInputs",
    "EnrichLayerIds",
    "EnrichParams",
    "EnrichReport",
    "HazardLayer",
    "NetworkSummary",
    "RoadNetwork",
    "Snap",
    "TargetTimes",
    "UnreachablePlotError",
    "access_columns",
    "build_road_network",
    "cell_coverage",
    "compute_hazard_shares",
    "compute_road_access",
    "compute_terrain",
    "distance_to_road_classes",
    "enrich_plots",
    "enrich_registry",
    "enriched_plots",
    "load_enrich_inputs",
    "route_to_targets",
    "slope_deg_from_dem",
    "snap_to_network",
    "travel_time_isochrones",
]
