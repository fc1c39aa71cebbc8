"""The registry interface that every storage backend implements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
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

    def close(self) -> None: ...

    def add_plots(
        self,
        frame: gpd.GeoDataFrame,
        *,
        actor: str,
        repair: bool = False,
        progress: Callable[[int], None] | None = None,
        context: str = "import",
    ) -> list[str]: ...

    def add_plot(
        self, attributes: Mapping[str, Any], geometry: Any, *, crs: Any, actor: str, repair: bool = False
    ) -> Plot: ...

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
    ) -> Plot: ...

    def end_plot(self, plot_id: str, *, expected_version: int, actor: str, reason: str | None = None) -> Plot: ...

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
    ) -> list[Plot]: ...

    def merge_plots(
        self,
        plot_ids: Sequence[str],
        *,
        expected_versions: Mapping[str, int],
        actor: str,
        code: str | None = None,
        changes: Mapping[str, Any] | None = None,
    ) -> Plot: ...

    def get_plot(self, plot_id: str, *, as_of: dt.datetime | None = None) -> Plot: ...

    def get_plot_by_code(self, code: str) -> Plot: ...

    def query_plots(self, query: PlotQuery | None = None, **criteria: Any) -> gpd.GeoDataFrame: ...

    def count_plots(self, query: PlotQuery | None = None, **criteria: Any) -> int: ...

    def plot_history(self, plot_id: str) -> gpd.GeoDataFrame: ...

    def plots_extent(self) -> tuple[float, float, float, float] | None: ...

    def add_price_observations(
        self, plot_id: str, observations: Sequence[PriceObservation | Mapping[str, Any]], *, actor: str
    ) -> int: ...

    def price_history(self, plot_id: str | None = None) -> pd.DataFrame: ...

    def save_business_areas(self, frame: gpd.GeoDataFrame) -> int: ...

    def load_business_areas(self) -> gpd.GeoDataFrame: ...

    def save_decisions(self, decisions: Sequence[Decision | dict[str, Any]]) -> int: ...

    def load_decisions(self) -> list[Decision]: ...

    def save_road_projects(self, frame: gpd.GeoDataFrame) -> int: ...

    def load_road_projects(self, *, include_cancelled: bool = False) -> gpd.GeoDataFrame: ...

    def get_road_project(self, project_id: str) -> gpd.GeoDataFrame: ...

    def add_road_projects(self, frame: gpd.GeoDataFrame, *, context: str = "road projects") -> list[str]: ...

    def update_road_project(
        self, project_id: str, changes: Mapping[str, Any], *, geometry: Any = None, crs: Any = None
    ) -> gpd.GeoDataFrame: ...

    def end_road_project(self, project_id: str) -> gpd.GeoDataFrame: ...

    def get_decision(self, decision_id: str) -> Decision: ...

    def record_decision(
        self, decision_id: str, *, outcome: str, decided_on: dt.date, actor: str, note: str | None = None
    ) -> DecisionResult: ...

    def decision_log(self, decision_id: str | None = None) -> list[dict[str, Any]]: ...
