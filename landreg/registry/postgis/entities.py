"""Business areas, decisions, road projects and price observations in PostGIS (mixed into the registry).

Validation is the GeoPackage backend's (:mod:`landreg.registry.entities`, :class:`~landreg.model.
plot.PriceObservation`); frames and models come back in the same form from either backend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.crs import STORAGE_CRS
from landreg.errors import EntityNotFoundError, Problem, ValidationError
from landreg.model.entities import BusinessArea, Decision, RoadProject
from landreg.model.enums import RoadProjectStatus
from landreg.model.plot import Plot, PriceObservation
from landreg.registry.codec import is_missing, to_storage_value
from landreg.registry.entities import _store, _validated
from landreg.registry.postgis.sql import GEOM_IN, from_wkb, quoted
from landreg.registry.tables import AREA_COLUMNS, DECISION_COLUMNS, PRICE_COLUMNS, ROAD_COLUMNS

_JSON = {"occupants", "provenance", "outcomes"}
_DATES = {"expected_date", "decided_on", "observed_on"}
_PRICE_NAMES = [n for n, _ in PRICE_COLUMNS]


def _placeholder(name: str) -> str:
    if name in _JSON:
        return "%s::jsonb"
    if name in _DATES:
        return "%s::date"
    if name == "recorded_at":
        return "%s::timestamptz"
    return "%s"


def _plain(name: str, value: Any) -> Any:
    """A value read from PostgreSQL in the form the GeoPackage backend returns (ISO text for dates)."""
    if value is None or name in _JSON:
        return value
    return to_storage_value(name, value)


class PostGISEntities:
    """Entity and price methods of the PostGIS registry."""

    if TYPE_CHECKING:

        def _connection(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _write_transaction(self) -> AbstractContextManager[Any]:
            raise NotImplementedError

        def _read_current(self, plot_id: str) -> Plot:
            raise NotImplementedError

        def _existing_ids(self, ids: Sequence[str]) -> set[str]:
            raise NotImplementedError

        def _transaction_time(self) -> tuple[Any, str]:
            raise NotImplementedError

    # ------------------------------------------------------------------ feature tables
    def _replace_features(
        self, table: str, columns: Sequence[tuple[str, str]], records: list[dict[str, Any]], geoms: list[Any]
    ) -> None:
        names = [n for n, _ in columns]
        sql = (
            f"INSERT INTO {table} (geom, {', '.join(map(quoted, names))}) "
            f"VALUES ({GEOM_IN}, {', '.join(_placeholder(n) for n in names)})"
        )
        wkbs = shapely.to_wkb(np.asarray(geoms, dtype=object)) if geoms else []
        with self._write_transaction() as conn, conn.cursor() as cur:
            cur.execute(f"DELETE FROM {table}")
            cur.executemany(
                sql, [[w] + [_store(n, r.get(n)) for n in names] for r, w in zip(records, wkbs, strict=True)]
            )

    def _read_features(self, table: str, columns: Sequence[tuple[str, str]]) -> gpd.GeoDataFrame:
        names = [n for n, _ in columns]
        with self._connection() as conn:
            rows = conn.execute(
                f"SELECT ST_AsBinary(geom), {', '.join(map(quoted, names))} FROM {table} ORDER BY fid"
            ).fetchall()
        data = {n: pd.Series([_plain(n, r[j + 1]) for r in rows], dtype=object) for j, n in enumerate(names)}
        for n, sql_type in columns:
            if sql_type.startswith(("REAL", "INTEGER")):
                data[n] = pd.Series(
                    [r[names.index(n) + 1] for r in rows], dtype="float64" if "REAL" in sql_type else object
                )
        geoms = from_wkb([r[0] for r in rows]) if rows else np.empty(0, dtype=object)
        return gpd.GeoDataFrame(pd.DataFrame(data, columns=names), geometry=gpd.GeoSeries(geoms, crs=STORAGE_CRS))

    def save_business_areas(self, frame: gpd.GeoDataFrame) -> int:
        """Replace the registry's business areas with ``frame`` (validated; any declared CRS)."""
        records, geoms = _validated(frame, BusinessArea, {"Polygon", "MultiPolygon"}, "business areas")
        self._replace_features("business_areas", AREA_COLUMNS, records, geoms)
        return len(records)

    def load_business_areas(self) -> gpd.GeoDataFrame:
        """Business areas as a GeoDataFrame (EPSG:25832)."""
        return self._read_features("business_areas", AREA_COLUMNS)

    def save_road_projects(self, frame: gpd.GeoDataFrame) -> int:
        """Replace the registry's road projects with ``frame`` (LineStrings; any declared CRS)."""
        records, geoms = _validated(frame, RoadProject, {"LineString", "MultiLineString"}, "road projects")
        self._replace_features("road_projects", ROAD_COLUMNS, records, geoms)
        return len(records)

    def load_road_projects(self, *, include_cancelled: bool = False) -> gpd.GeoDataFrame:
        """Road projects as a GeoDataFrame (EPSG:25832); cancelled (ended) ones only when asked."""
        frame = self._read_features("road_projects", ROAD_COLUMNS)
        if include_cancelled or len(frame) == 0:
            return frame
        return frame[frame["status"] != RoadProjectStatus.CANCELLED.value].reset_index(drop=True)

    # ------------------------------------------------------------------ decisions
    def save_decisions(self, decisions: Sequence[Decision | dict[str, Any]]) -> int:
        """Replace the registry's decisions."""
        models = [d if isinstance(d, Decision) else Decision.model_validate(d) for d in decisions]
        names = [n for n, _ in DECISION_COLUMNS]
        sql = f"INSERT INTO decisions ({', '.join(names)}) VALUES ({', '.join(_placeholder(n) for n in names)})"
        with self._write_transaction() as conn, conn.cursor() as cur:
            cur.execute("DELETE FROM decisions")
            cur.executemany(sql, [[_store(n, d.model_dump(mode="json").get(n)) for n in names] for d in models])
        return len(models)

    def load_decisions(self) -> list[Decision]:
        """All decisions."""
        names = [n for n, _ in DECISION_COLUMNS]
        with self._connection() as conn:
            rows = conn.execute(f"SELECT {', '.join(names)} FROM decisions ORDER BY fid").fetchall()
        return [
            Decision.model_validate({n: v for n, v in zip(names, row, strict=True) if v is not None}) for row in rows
        ]

    def get_decision(self, decision_id: str) -> Decision:
        """One decision by id.

        Raises
        ------
        EntityNotFoundError
        """
        for d in self.load_decisions():
            if d.decision_id == decision_id:
                return d
        raise EntityNotFoundError(f"no decision with id {decision_id!r}")

    # ------------------------------------------------------------------ prices
    def add_price_observations(
        self, plot_id: str, observations: Sequence[PriceObservation | Mapping[str, Any]], *, actor: str
    ) -> int:
        """Append dated prices to a plot's price history; returns how many were added."""
        obs = [o if isinstance(o, PriceObservation) else PriceObservation.model_validate(o) for o in observations]
        with self._write_transaction():
            self._read_current(plot_id)
            _, now_text = self._transaction_time()
            self._insert_prices([_price_row(plot_id, o, now_text, actor) for o in obs])
        return len(obs)

    def add_price_table(self, table: pd.DataFrame, *, actor: str) -> int:
        """Append many price observations at once (columns of :class:`PriceObservation` plus ``plot_id``)."""
        records = table.to_dict(orient="records")
        problems: list[Problem] = []
        rows = []
        with self._write_transaction():
            _, now_text = self._transaction_time()
            known = self._existing_ids(sorted({r["plot_id"] for r in records}))
            for i, rec in enumerate(records):
                pid = rec.pop("plot_id")
                if pid not in known:
                    problems.append(Problem(f"row {i + 1}", "plot_id", f"no plot with id {pid!r}"))
                    continue
                try:
                    o = PriceObservation.model_validate({k: v for k, v in rec.items() if not is_missing(v)})
                except Exception as exc:  # pydantic.ValidationError
                    problems.append(Problem(f"row {i + 1}", "price", str(exc).splitlines()[0]))
                    continue
                rows.append(_price_row(pid, o, now_text, actor))
            if problems:
                raise ValidationError(problems, context="prices")
            self._insert_prices(rows)
        return len(rows)

    def _insert_prices(self, rows: list[tuple[Any, ...]]) -> None:
        sql = (
            f"INSERT INTO plot_prices ({', '.join(_PRICE_NAMES)}) "
            f"VALUES ({', '.join(_placeholder(n) for n in _PRICE_NAMES)})"
        )
        with self._connection() as conn, conn.cursor() as cur:
            cur.executemany(sql, rows)

    def price_history(self, plot_id: str | None = None) -> pd.DataFrame:
        """Dated price observations (all plots, or one), oldest first (as the GeoPackage backend returns them)."""
        sql = f"SELECT {', '.join(_PRICE_NAMES)} FROM plot_prices"
        params: tuple[Any, ...] = ()
        if plot_id is not None:
            sql += " WHERE plot_id = %s"
            params = (plot_id,)
        with self._connection() as conn:
            rows = conn.execute(sql + " ORDER BY plot_id, observed_on, fid", params).fetchall()
        fees_at = _PRICE_NAMES.index("connection_fees_included")
        fees = pd.array([r[fees_at] for r in rows], dtype="boolean")
        frame = pd.DataFrame(
            [
                [_plain(n, v) if n != "connection_fees_included" else v for n, v in zip(_PRICE_NAMES, r, strict=True)]
                for r in rows
            ],
            columns=_PRICE_NAMES,
        )
        frame["connection_fees_included"] = fees
        return frame


def _price_row(plot_id: str, o: PriceObservation, now_text: str, actor: str) -> tuple[Any, ...]:
    return (
        plot_id,
        o.observed_on.isoformat(),
        o.kind.value,
        o.price_nok_m2,
        o.basis.value,
        o.connection_fees_included,
        o.source,
        now_text,
        actor,
    )
