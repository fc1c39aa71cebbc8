"""Enrich plots and the registry: access, terrain and hazards in one step, incrementally.

:func:`enrich_registry` recomputes only plots whose ``(plot_id, version)`` or
whose input layer versions (or enrichment parameters) changed since their
stored row, in chunks that are each saved in their own transaction (an
interrupted run keeps what it finished).  Rows of plots that are no longer
live are removed.  The road graph and the one Dijkstra run per target are
computed once per run, whatever the number of chunks.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.crs import to_storage_crs
from landreg.enrich.access import (
    DEFAULT_MAX_SNAP_DISTANCE_M,
    access_columns,
    compute_road_access,
    distance_to_road_classes,
)
from landreg.enrich.cache import cached_road_network
from landreg.enrich.hazards import compute_hazard_shares
from landreg.enrich.inputs import EnrichInputs, EnrichLayerIds, load_enrich_inputs
from landreg.enrich.network import NetworkSummary, RoadNetwork
from landreg.enrich.routing import DEFAULT_TARGETS, AccessTarget, TargetTimes, route_to_targets
from landreg.enrich.snapping import DEFAULT_ACCESS_SPEED_KMH
from landreg.enrich.terrain import DEFAULT_STEEP_SLOPE_DEG, TERRAIN_COLUMNS, compute_terrain

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource, EnrichedPlotStore

#: Bump when the meaning of a derived column changes: every plot is then recomputed.
ENRICH_VERSION = 1
_CHUNK = 10_000


@dataclass(frozen=True)
class EnrichParams:
    """Parameters of the enrichment (part of every row's version fingerprint).

    Attributes
    ----------
    access_speed_kmh : float
        Speed of the straight leg between a plot and its road.
    max_snap_distance_m : float
        Plots farther from a road are ``too_far`` (NaN access).
    steep_slope_deg : float
        Threshold of ``steep_share``.
    targets : tuple of AccessTarget
    """

    access_speed_kmh: float = DEFAULT_ACCESS_SPEED_KMH
    max_snap_distance_m: float = DEFAULT_MAX_SNAP_DISTANCE_M
    steep_slope_deg: float = DEFAULT_STEEP_SLOPE_DEG
    targets: tuple[AccessTarget, ...] = DEFAULT_TARGETS

    def fingerprint(self) -> str:
        """sha256 of the parameters and :data:`ENRICH_VERSION`."""
        text = json.dumps({"version": ENRICH_VERSION, **asdict(self)}, sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()


@dataclass
class EnrichReport:
    """What :func:`enrich_registry` did.

    Attributes
    ----------
    n_plots, n_computed, n_unchanged, n_removed : int
        Live plots, plots (re)computed, plots whose stored row was current,
        rows removed for plots no longer live.
    status_counts : dict
        Per status column, how many recomputed plots had each value.
    network : str
        One line on the road graph (empty when not built).
    network_summary : NetworkSummary or None
    layer_versions : dict
    step_s : dict
        Seconds spent in each step of the chunks (``read``, ``compute``, ``write``) and the CPU
        seconds of the process meanwhile (``cpu``), summed over them (on a cluster, over every worker).
    """

    n_plots: int = 0
    n_computed: int = 0
    n_unchanged: int = 0
    n_removed: int = 0
    status_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    network: str = ""
    network_summary: NetworkSummary | None = None
    layer_versions: dict[str, str] = field(default_factory=dict)
    step_s: dict[str, float] = field(default_factory=dict)

    def add_chunk(self, done: ChunkDone) -> None:
        """Count a stored chunk: its plots, their status values and the seconds of its steps."""
        self.n_computed += done.n_plots
        for col, col_counts in done.status_counts.items():
            for key, n in col_counts.items():
                self.status_counts.setdefault(col, {}).setdefault(key, 0)
                self.status_counts[col][key] += n
        for step, seconds in done.step_s.items():
            self.step_s[step] = self.step_s.get(step, 0.0) + seconds

    def to_text(self) -> str:
        """A short summary for the CLI."""
        lines = [
            f"{self.n_plots} live plots: {self.n_computed} enriched, {self.n_unchanged} unchanged, "
            f"{self.n_removed} stale rows removed"
        ]
        if self.network:
            lines.append(self.network)
        for col, counts in self.status_counts.items():
            lines.append(f"{col}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        return "\n".join(lines)


class _Enricher:
    """Holds what is computed once per run: the graph and the node times to every target."""

    def __init__(self, inputs: EnrichInputs, params: EnrichParams) -> None:
        self.inputs = inputs
        self.params = params
        self.network: RoadNetwork | None = None
        self.times: TargetTimes | None = None
        if inputs.roads is not None and inputs.destinations is not None:
            self.network = cached_road_network(inputs.roads)  # built once per process for the same roads
            self.times = route_to_targets(
                self.network, inputs.destinations, targets=params.targets, access_speed_kmh=params.access_speed_kmh
            )

    def run(self, plots: gpd.GeoDataFrame) -> pd.DataFrame:
        parts: list[pd.DataFrame] = []
        if self.network is not None and self.times is not None:
            parts.append(
                compute_road_access(
                    plots,
                    self.network,
                    times=self.times,
                    access_speed_kmh=self.params.access_speed_kmh,
                    max_snap_distance_m=self.params.max_snap_distance_m,
                    on_unreachable="flag",
                )
            )
        else:
            empty = pd.DataFrame(
                index=plots.index, columns=["snap_distance_m", *access_columns(self.params.targets)], dtype=float
            )
            empty["access_status"] = "no_network"
            parts.append(empty)
        if self.inputs.roads is not None:
            parts.append(distance_to_road_classes(plots, self.inputs.roads))
        if self.inputs.dem_path is not None:
            parts.append(compute_terrain(plots, self.inputs.dem_path, steep_slope_deg=self.params.steep_slope_deg))
        else:
            empty = pd.DataFrame(index=plots.index, columns=list(TERRAIN_COLUMNS[:-1]), dtype=float)
            empty["terrain_data_share"] = 0.0
            empty["terrain_status"] = "no_data"
            parts.append(empty)
        parts.append(compute_hazard_shares(plots, self.inputs.hazards))
        return pd.concat(parts, axis=1)


def enrich_plots(
    plots: gpd.GeoDataFrame,
    *,
    inputs: EnrichInputs,
    params: EnrichParams | None = None,
) -> pd.DataFrame:
    """All derived attributes of ``plots`` (road access, road-class distances, terrain, hazards).

    Parameters
    ----------
    plots : GeoDataFrame
        Plot polygons with a declared CRS (EPSG:25832 after transform).
    inputs : EnrichInputs
        From :func:`~landreg.enrich.inputs.load_enrich_inputs`, or built in code.
    params : EnrichParams, optional
        Speeds, snapping distance and the other enrichment parameters (default values when None).

    Returns
    -------
    DataFrame
        Indexed like ``plots``; unreachable plots are flagged in ``access_status``.
    """
    plots = to_storage_crs(plots, where="plots")
    return _Enricher(inputs, params or EnrichParams()).run(plots)


def _versions_json(inputs: EnrichInputs, params: EnrichParams) -> str:
    versions = {**inputs.layer_versions, "enrich_params": params.fingerprint()}
    return json.dumps(versions, sort_keys=True, separators=(",", ":"))


def enrich_registry(
    registry: AnalysisSource,
    *,
    layers_dir: str | Path,
    progress: Callable[[int], None] | None = None,
    force: bool = False,
    params: EnrichParams | None = None,
    layer_ids: EnrichLayerIds | None = None,
    engine: Any = None,
    plot_ids: Sequence[str] | None = None,
) -> EnrichReport:
    """Compute and store the derived attributes of every live plot that needs it.

    Parameters
    ----------
    registry : AnalysisSource
        A registry: its live plots, decisions and enrichment tables.
    layers_dir : str or Path
        Folder with ``layers.toml``.
    progress : callable, optional
        Called with a number of plots done (unchanged plots count at once).
    force : bool
        Recompute every plot.
    params : EnrichParams, optional
        Enrichment parameters (default values when None); part of each row's fingerprint.
    layer_ids : EnrichLayerIds, optional
        Manifest ids of the roads, destinations, DEM and hazard layers (default ids when None).
    engine : DaskEngine, optional
        Run the plots in spatial partitions on a ``dask.distributed`` cluster
        (:func:`landreg.engine.open_engine`); the road graph is built here once and sent to every
        worker.  None runs in this process.  The stored attributes are the same either way.
    plot_ids : sequence of str, optional
        Consider only these plots (e.g. the ones an edit touched): only they and their stored
        rows are read, and the rows of those no longer live are removed.  Each plot's
        attributes depend on the plot and the layers alone, never on other plots, so the
        rest need no look.  None considers every live plot.

    Returns
    -------
    EnrichReport

    Raises
    ------
    ConfigurationError
        When the manifest or a layer is malformed.
    """
    from landreg.decisions import decisions_fingerprint, with_decided_destinations

    params = params or EnrichParams()
    inputs = load_enrich_inputs(layers_dir, ids=layer_ids)
    decisions = registry.load_decisions()  # a decided terminal is routed to, a removed one is not
    if inputs.destinations is not None:
        inputs.destinations = with_decided_destinations(inputs.destinations, decisions)
    if (decided := decisions_fingerprint(decisions)) is not None:
        inputs.layer_versions["decided_outcomes"] = decided
    versions = _versions_json(inputs, params)
    # ids, versions and positions of the plots, and of each stored row its version and whether it came
    # from these layers: no geometry and no derived value is read here (each chunk reads its own plots)
    if plot_ids is None:
        plots, stored = registry.plot_positions(), registry.enrichment_states(versions)
    else:
        wanted = sorted(set(plot_ids))
        if not wanted:
            return EnrichReport(n_plots=0, layer_versions=json.loads(versions))
        plots, stored = registry.plot_positions(wanted), registry.enrichment_states(versions, wanted)
    report = EnrichReport(n_plots=len(plots), layer_versions=json.loads(versions))
    current = stored.set_index("plot_id")
    if force or current.empty:
        todo = np.ones(len(plots), dtype=bool)
    else:
        old_version = current["plot_version"].reindex(plots["plot_id"]).to_numpy()
        same_layers = current["current"].reindex(plots["plot_id"], fill_value=False).to_numpy(dtype=bool)
        todo = ~((old_version == plots["version"].to_numpy()) & same_layers)
    gone = sorted(set(current.index) - set(plots["plot_id"]))
    if gone:
        report.n_removed = registry.delete_enrichment(gone)
    report.n_unchanged = int((~todo).sum())
    if progress is not None and report.n_unchanged:
        progress(report.n_unchanged)
    work = plots[todo]
    if len(work):
        enricher = _Enricher(inputs, params)
        if enricher.network is not None:
            report.network = enricher.network.summary.to_text()
            report.network_summary = enricher.network.summary
        for done in _stored_chunks(registry, work, enricher=enricher, versions=versions, engine=engine):
            report.add_chunk(done)
            if progress is not None:
                progress(done.n_plots)
    return report


@dataclass
class ChunkDone:
    """What :func:`enrich_and_store` did for one chunk: plots enriched, and how many had each status value."""

    n_plots: int = 0
    status_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    step_s: dict[str, float] = field(default_factory=dict)


def enrich_and_store(
    registry: EnrichedPlotStore, plot_ids: Sequence[str], *, enricher: Any, versions: str
) -> ChunkDone:
    """Read the live plots of ``plot_ids``, compute their derived attributes and store them (one transaction).

    The one step of every enrichment, in this process and on each worker of a cluster alike.

    Parameters
    ----------
    registry : EnrichedPlotStore
        The registry the plots are read from and their rows written to.
    plot_ids : sequence of str
        The chunk (a spatially compact one reads local windows of the layers).
    enricher : object
        The graph, the node times to every target and the layers (built once per run).
    versions : str
        The layer versions and parameters (JSON) stored with every row.

    Returns
    -------
    ChunkDone
    """
    started, cpu = time.perf_counter(), time.process_time()
    plots = registry.query_plots(plot_ids=list(plot_ids))
    read = time.perf_counter()
    derived = enricher.run(plots)
    computed = time.perf_counter()
    keys = pd.DataFrame(
        {"plot_id": plots["plot_id"], "plot_version": plots["version"], "layer_versions": versions}, index=plots.index
    )
    registry.save_enrichment(pd.concat([keys, derived], axis=1))
    step_s = {
        "read": read - started,
        "compute": computed - read,
        "write": time.perf_counter() - computed,
        "cpu": time.process_time() - cpu,
    }
    counts = {
        str(col): {str(k): int(n) for k, n in derived[col].value_counts().items()}
        for col in derived.columns
        if str(col).endswith("_status")
    }
    return ChunkDone(n_plots=len(plots), status_counts=counts, step_s=step_s)


def _stored_chunks(
    registry: EnrichedPlotStore, work: pd.DataFrame, *, enricher: _Enricher, versions: str, engine: Any
) -> Iterator[ChunkDone]:
    """Enrich and store ``work`` (ids and positions) in spatial chunks: in this process, or on ``engine``'s workers."""
    if engine is not None:
        from landreg.engine.enrich import enrich_partitions

        yield from enrich_partitions(registry, work, enricher=enricher, versions=versions, engine=engine)
        return
    from landreg.engine.partition import spatial_partitions

    ids = work["plot_id"].to_numpy()
    for rows in spatial_partitions(work, max_plots=_CHUNK):
        yield enrich_and_store(registry, ids[rows].tolist(), enricher=enricher, versions=versions)


def enriched_plots(registry: EnrichedPlotStore, *, columns: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Live plots joined with their stored derived attributes (EPSG:25832).

    A plot whose stored row belongs to an older version (or that was never
    enriched) gets NaN / None in the derived columns: values are never shown
    for a geometry they were not computed from.

    Parameters
    ----------
    registry : EnrichedPlotStore
        The registry to read (only read).
    columns : sequence of str, optional
        Derived columns to join (default: all).

    Returns
    -------
    GeoDataFrame
        The plot columns, then ``computed_at``, ``layer_versions`` and the derived columns.
    """
    plots = registry.query_plots()
    derived = registry.load_enrichment()
    keep = [c for c in derived.columns if c not in ("plot_id", "plot_version")]
    if columns is not None:
        keep = [c for c in keep if c in set(columns) | {"computed_at", "layer_versions"}]
    derived = derived.rename(columns={"plot_version": "version"})[["plot_id", "version", *keep]]
    derived = derived.drop(columns=[c for c in keep if c in plots.columns])
    merged = plots.merge(derived, on=["plot_id", "version"], how="left")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=plots.crs)
