"""The registry interface that every storage backend implements, as small protocols by concern.

A caller asks for the narrowest protocol it needs (:class:`PlotStore` to read plots,
:class:`PlotEditor` to change them, :class:`TokenIssuer` to check a bearer token, ...);
:class:`Registry` combines them all.  :class:`~landreg.registry.gpkg.GeoPackageRegistry` and
:class:`~landreg.registry.postgis.PostGISRegistry` implement every one of them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, Self, runtime_checkable

import geopandas as gpd
import pandas as pd

from landreg.model.entities import Decision
from landreg.model.plot import Plot, PriceObservation
from landreg.registry.decisions import DecisionResult
from landreg.registry.query import PlotQuery
from landreg.registry.reads import RecordPage
from landreg.tokens import Principal, Role


@runtime_checkable
class PlotStore(Protocol):
    """Reading plots: by id or code, live or ``as_of`` a past time, queried whole or a page at a time, with history.

    Geometry out is EPSG:25832.
    """

    #: ``"geopackage"`` or ``"postgis"``.
    backend: str
    #: Where the registry is, for messages: the file, or the database and schema (never a password).
    label: str

    def get_plot(self, plot_id: str, *, as_of: dt.datetime | None = None) -> Plot:
        """One plot by id, live or as it was at ``as_of``; raises PlotNotFoundError when there is none."""

    def get_plot_by_code(self, code: str) -> Plot:
        """The live plot with this code; raises PlotNotFoundError when there is none."""

    def query_plots(self, query: PlotQuery | None = None, **criteria: Any) -> gpd.GeoDataFrame:
        """Plots matching a query (or the same criteria as keywords), EPSG:25832."""

    def count_plots(self, query: PlotQuery | None = None, **criteria: Any) -> int:
        """Number of plots matching a query (or the same criteria as keywords)."""

    def query_page(self, query: PlotQuery) -> tuple[gpd.GeoDataFrame, int]:
        """One page of plots (``query.limit``/``offset`` or ``after_fid``) and the number of all matches."""

    def query_records(self, query: PlotQuery) -> RecordPage:
        """One page of plots as plain records with their geometries, the number of all matches and the next key."""

    def plot_history(self, plot_id: str) -> gpd.GeoDataFrame:
        """Every version of a plot, oldest first, with who changed it and when."""

    def plot_versions(self, *, as_of: dt.datetime | None = None) -> pd.DataFrame:
        """Every version of every plot recorded up to ``as_of`` in one read, by plot and version, without geometry."""

    def plots_extent(self) -> tuple[float, float, float, float] | None:
        """Bounds (minx, miny, maxx, maxy) of the live plots in EPSG:25832, or None when there are none."""

    def plot_positions(self, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """``plot_id``, ``version`` and the centre of the bounds (``x_m``, ``y_m``) of live plots, no geometry read."""


@runtime_checkable
class PlotEditor(Protocol):
    """Changing plots: every write is atomic and recorded in history with its actor.

    Geometry in is EPSG:25832 unless a ``crs`` is given.
    """

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

    def check_plots(self, frame: gpd.GeoDataFrame, *, repair: bool = False, context: str = "import") -> None:
        """Check a batch of new plots as :meth:`add_plots` would, writing nothing; raises ValidationError."""

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


@runtime_checkable
class EnrichmentTables(Protocol):
    """The derived attributes of plots (road access, terrain, hazards), one row per plot."""

    def save_enrichment(self, frame: pd.DataFrame, *, computed_at: dt.datetime | None = None) -> int:
        """Insert or replace the derived attributes of the plots in ``frame``; returns the rows written."""

    def load_enrichment(self, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """The derived attributes of the given plots (of every plot when None)."""

    def delete_enrichment(self, plot_ids: Sequence[str]) -> int:
        """Drop the derived attributes of these plots; returns how many rows went."""

    def enrichment_states(self, layer_versions: str, plot_ids: Sequence[str] | None = None) -> pd.DataFrame:
        """``plot_id``, ``plot_version`` and ``current`` (stored ``layer_versions`` equal to these) of each row."""


@runtime_checkable
class TokenIssuer(Protocol):
    """API tokens kept (hashed) in the registry, and the caller behind a bearer token."""

    def create_token(self, *, name: str, role: Role | str, municipalities: list[str] | None = None) -> str:
        """Create a token; returns it in clear text, once."""

    def authenticate(self, token: str | None) -> Principal:
        """The principal behind a bearer token; raises AuthenticationError."""

    def revoke_token(self, token_id: str) -> bool:
        """Revoke a token by its id; False when there was none."""

    def list_tokens(self) -> list[dict[str, object]]:
        """The tokens, without their secrets."""


@runtime_checkable
class EntityTables(Protocol):
    """The registry's other entities: business areas, decisions (and their outcomes), road projects."""

    def save_business_areas(self, frame: gpd.GeoDataFrame) -> int:
        """Replace the business areas with ``frame``; returns how many were stored."""

    def load_business_areas(self) -> gpd.GeoDataFrame:
        """The business areas (``area_id``, ``name``, geometry in EPSG:25832)."""

    def save_decisions(self, decisions: Sequence[Decision | dict[str, Any]]) -> int:
        """Replace the registry's decisions; returns how many were stored."""

    def load_decisions(self) -> list[Decision]:
        """Every decision in the registry."""

    def get_decision(self, decision_id: str) -> Decision:
        """One decision by id; raises EntityNotFoundError when unknown."""

    def record_decision(
        self, decision_id: str, *, outcome: str, decided_on: dt.date, actor: str, note: str | None = None
    ) -> DecisionResult:
        """Apply a decision's outcome to the registry (or reopen it with ``outcome="pending"``)."""

    def decision_log(self, decision_id: str | None = None) -> list[dict[str, Any]]:
        """Decisions taken, oldest first (optionally for one decision)."""

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


@runtime_checkable
class PriceRecords(Protocol):
    """Dated price observations (asking and transaction) of plots."""

    def add_price_observations(
        self, plot_id: str, observations: Sequence[PriceObservation | Mapping[str, Any]], *, actor: str
    ) -> int:
        """Record price observations for a plot; returns how many were stored."""

    def add_price_table(self, table: pd.DataFrame, *, actor: str) -> int:
        """Append many price observations at once (``PriceObservation`` columns and ``plot_id``); returns how many."""

    def price_history(self, plot_id: str | None = None) -> pd.DataFrame:
        """Price observations of one plot, or of every plot when ``plot_id`` is None."""


@runtime_checkable
class SqlReader(Protocol):
    """One read-only SQL query in the registry's own database, for code that works per backend (e.g. tiles)."""

    backend: str

    def read_row(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of ``sql`` (in the backend's dialect and placeholders), or None when it has none."""

    def read_rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Every row of ``sql`` (in the backend's dialect and placeholders)."""


@runtime_checkable
class Registry(PlotStore, PlotEditor, EnrichmentTables, TokenIssuer, EntityTables, PriceRecords, SqlReader, Protocol):
    """Everything a registry offers, for callers that need it all (the command line, the service)."""

    def close(self) -> None:
        """Close the registry; it cannot be used afterwards."""

    def __enter__(self) -> Self:
        """The registry itself, for a ``with`` block that closes it."""

    def __exit__(self, *exc: object) -> None:
        """Close the registry."""


@runtime_checkable
class EditablePlotStore(PlotStore, PlotEditor, Protocol):
    """Plots read and changed (an edit names a plot by id or code, then writes a new version)."""


@runtime_checkable
class EnrichedPlotStore(PlotStore, EnrichmentTables, Protocol):
    """Plots read with their derived attributes."""


@runtime_checkable
class FeatureSource(PlotStore, EntityTables, Protocol):
    """Plots and the other entities served as features: business areas, decisions, road projects."""


@runtime_checkable
class PricedPlotStore(PlotStore, PriceRecords, Protocol):
    """Plots read with their price observations."""


@runtime_checkable
class AnalysisSource(PlotStore, EnrichmentTables, EntityTables, PriceRecords, Protocol):
    """What the analyses read: plots and their derived attributes, business areas, decisions, road projects, prices."""


#: The former name of :class:`Registry`.
PlotRegistry = Registry
