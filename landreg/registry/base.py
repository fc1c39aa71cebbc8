"""The registry interface that every storage backend implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, runtime_checkable

import geopandas as gpd
import pandas as pd

from landreg.model.entities import Decision
from landreg.model.plot import Plot, PriceObservation
from landreg.registry.decisions import DecisionResult
from landreg.registry.query import PlotQuery


@runtime_checkable
class PlotRegistry(Protocol):
    """What the core needs of a plot registry (GeoPackage or PostGIS).

    Geometry in and out is EPSG:25832 unless a ``crs`` is given on input.
    Every write is atomic and recorded in history with its actor.
    """

    backend: str

    def close(self) -> None:
        """Close the registry; it cannot be used afterwards."""

    def transaction(self) -> AbstractContextManager[Any]:
        """Several writes as one: inside ``with registry.transaction():`` all are stored, or none."""

    def add_plots(
        self,
        frame: gpd.GeoDataFrame,
        *,
        actor: str,
        repair: bool = False,
        progress: Callable[[int], None] | None = None,
        context: str = "import",
    ) -> list[str]:
        """Validate and store a batch of new plots atomically; returns their ids (nothing is written on error)."""

    def add_plot(
        self, attributes: Mapping[str, Any], geometry: Any, *, crs: Any, actor: str, repair: bool = False
    ) -> Plot:
        """Validate and store one plot given as attributes and a geometry in ``crs``."""

    def update_plot(
        self,
        plot_id: str,
        changes: Mapping[str, Any],
        *,
        expected_version: int,
        actor: str,
        crs: Any = None,
        repair: bool = False,
        note: str | None = None,
    ) -> Plot:
        """Change a plot's attributes or geometry as a new version; ``expected_version`` guards against lost updates."""

    def end_plot(self, plot_id: str, *, expected_version: int, actor: str, reason: str | None = None) -> Plot:
        """End a plot's validity (it leaves the live registry but stays in history)."""

    def split_plot(
        self,
        plot_id: str,
        *,
        expected_version: int,
        actor: str,
        blade: Any = None,
        parts: Sequence[Any] | None = None,
        crs: Any = None,
        codes: Sequence[str] | None = None,
    ) -> list[Plot]:
        """Split a plot by a blade line or into given parts; the parent ends and the parts are new plots."""

    def merge_plots(
        self,
        plot_ids: Sequence[str],
        *,
        expected_versions: Mapping[str, int],
        actor: str,
        code: str | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> Plot:
        """Merge adjacent live plots into one new plot; the merged plots end."""

    def get_plot(self, plot_id: str, *, as_of: dt.datetime | None = None) -> Plot:
        """One plot by id, live or as it was at ``as_of``; raises PlotNotFoundError when there is none."""

    def get_plot_by_code(self, code: str) -> Plot:
        """The live plot with this code; raises PlotNotFoundError when there is none."""

    def query_plots(self, query: PlotQuery | None = None, **criteria: Any) -> gpd.GeoDataFrame:
        """Plots matching a query (or the same criteria as keywords), EPSG:25832."""

    def count_plots(self, query: PlotQuery | None = None, **criteria: Any) -> int:
        """Number of plots matching a query (or the same criteria as keywords)."""

    def plot_history(self, plot_id: str) -> gpd.GeoDataFrame:
        """Every version of a plot, oldest first, with who changed it and when."""

    def plots_extent(self) -> tuple[float, float, float, float] | None:
        """Bounds (minx, miny, maxx, maxy) of the live plots in EPSG:25832, or None when there are none."""

    def add_price_observations(
        self, plot_id: str, observations: Sequence[PriceObservation | Mapping[str, Any]], *, actor: str
    ) -> int:
        """Record price observations for a plot; returns how many were stored."""

    def price_history(self, plot_id: str | None = None) -> pd.DataFrame:
        """Price observations of one plot, or of every plot when ``plot_id`` is None."""

    def save_business_areas(self, frame: gpd.GeoDataFrame) -> int:
        """Replace the business areas with ``frame``; returns how many were stored."""

    def load_business_areas(self) -> gpd.GeoDataFrame:
        """The business areas (``area_id``, ``name``, geometry in EPSG:25832)."""

    def save_decisions(self, decisions: Sequence[Decision | dict[str, Any]]) -> int:
        """Replace the registry's decisions; returns how many were stored."""

    def load_decisions(self) -> list[Decision]:
        """Every decision in the registry."""

    def save_road_projects(self, frame: gpd.GeoDataFrame) -> int:
        """Replace the road projects with ``frame``; returns how many were stored."""

    def load_road_projects(self, *, include_cancelled: bool = False) -> gpd.GeoDataFrame:
        """The road projects (EPSG:25832), without cancelled ones unless asked."""

    def get_road_project(self, project_id: str) -> gpd.GeoDataFrame:
        """One road project (cancelled too) as a one-row frame; raises EntityNotFoundError when unknown."""

    def add_road_projects(self, frame: gpd.GeoDataFrame, *, context: str = "road projects") -> list[str]:
        """Validate and store new road projects; returns their ids."""

    def update_road_project(
        self, project_id: str, changes: Mapping[str, Any], *, geometry: Any = None, crs: Any = None
    ) -> gpd.GeoDataFrame:
        """Change a road project's attributes or geometry (given in ``crs``)."""

    def end_road_project(self, project_id: str) -> gpd.GeoDataFrame:
        """End a road project: status ``cancelled`` (kept, left out of scenarios)."""

    def get_decision(self, decision_id: str) -> Decision:
        """One decision by id; raises EntityNotFoundError when unknown."""

    def record_decision(
        self, decision_id: str, *, outcome: str, decided_on: dt.date, actor: str, note: str | None = None
    ) -> DecisionResult:
        """Apply a decision's outcome to the registry (or reopen it with ``outcome="pending"``)."""

    def decision_log(self, decision_id: str | None = None) -> list[dict[str, Any]]:
        """Decisions taken, oldest first (optionally for one decision)."""
