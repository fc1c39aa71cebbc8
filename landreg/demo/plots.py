"""The demonstration plots and their price history, cut from the business areas."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from landreg.crs import STORAGE_CRS
from landreg.demo.area_specs import AREA_SPECS, AreaSpec
from landreg.demo.attributes import assign_occupants, plot_record
from landreg.demo.common import fresh, rng_for, snap, write_table, write_vector
from landreg.demo.entities import build_decisions, build_road_projects
from landreg.demo.prices import price_history
from landreg.demo.subdivide import MIN_PLOT_M2, subdivide
from landreg.model.plot import INPUT_FIELDS

DEMO_FILE = "demo_plots.gpkg"
PLOT_COLUMNS: tuple[str, ...] = ("plot_id", *INPUT_FIELDS)
PRICE_COLUMNS: tuple[str, ...] = (
    "plot_id",
    "observed_on",
    "kind",
    "price_nok_m2",
    "basis",
    "connection_fees_included",
    "source",
)


#: Columns of the synthetic sales (:data:`landreg.layers.changes.CHANGE_COLUMNS`).
SALE_COLUMNS: tuple[str, ...] = ("plot_id", "changed_on", "before", "source", "note")
SALE_NOTE = "synthetic sale: the plot was available and became sold and occupied (demonstration data)"


def build_plots(areas: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.DataFrame, pd.DataFrame]:
    """Plots (EPSG:25832, columns :data:`PLOT_COLUMNS`), their price history and their sales.

    A sold plot was sold on the date of its transaction price: its sale (columns
    :data:`SALE_COLUMNS`, source ``"synthetic"``) says it was available, with no occupants, before.
    """
    records: list[dict[str, object]] = []
    geoms: list[shapely.Polygon] = []
    prices: list[dict[str, object]] = []
    sales: list[dict[str, object]] = []
    by_id = {a: (g, occ) for a, g, occ in zip(areas["area_id"], areas.geometry, areas["occupants"], strict=True)}
    for spec in AREA_SPECS:  # fixed order
        outline, occupants = by_id[spec.area_id]
        rng = rng_for("plots", spec.area_id)
        pieces = list(
            snap(
                subdivide(
                    outline,
                    mean_plot_m2=mean_plot_m2(spec, outline_m2=outline.area),
                    rng=rng,
                    large_plot_m2=spec.large_plot_daa * 1_000.0,
                )
            )
        )
        pieces = [p for p in pieces if p is not None and not p.is_empty and p.is_valid]
        centre_x = outline.centroid.x
        area_records = [plot_record(spec, i + 1, g, centre_x=centre_x, rng=rng) for i, g in enumerate(pieces)]
        assign_occupants(spec, area_records, [g.area for g in pieces], json.loads(occupants), rng)
        for rec in area_records:
            sold_year = int(rng.integers(2011, 2026)) if rec["status"] == "sold" else None
            if rec["price_min_nok_m2"] is not None:
                level = (rec["price_min_nok_m2"] + rec["price_max_nok_m2"]) / 2
                basis, fees = rec["price_basis"], rec["connection_fees_included"]
            else:  # sold: the history is of the serviced price it was sold at
                level = float(sum(_band(spec.area_id)) / 2)
                basis, fees = "serviced", None
            history = price_history(
                str(rec["plot_id"]),
                price_2026_nok_m2=level,
                basis=str(basis),
                fees_included=fees,
                status=str(rec["status"]),
                sold_year=sold_year,
                rng=rng,
            )
            prices += history
            sold_on = [h["observed_on"] for h in history if h["kind"] == "transaction"]
            if sold_on:
                before = {"status": "available", "occupants": []}
                sales.append(
                    {
                        "plot_id": rec["plot_id"],
                        "changed_on": sold_on[0],
                        "before": json.dumps(before),
                        "source": "synthetic",
                        "note": SALE_NOTE,
                    }
                )
        records += area_records
        geoms += pieces
    plots = gpd.GeoDataFrame(pd.DataFrame(records, columns=list(PLOT_COLUMNS)), geometry=geoms, crs=STORAGE_CRS)
    price_frame = pd.DataFrame(prices, columns=list(PRICE_COLUMNS))
    for frame, col in ((plots, "connection_fees_included"), (price_frame, "connection_fees_included")):
        frame[col] = pd.array(frame[col].tolist(), dtype="boolean")
    sale_frame = pd.DataFrame(sales, columns=list(SALE_COLUMNS)).sort_values(["changed_on", "plot_id"])
    return plots, price_frame, sale_frame.reset_index(drop=True)


def mean_plot_m2(spec: AreaSpec, *, outline_m2: float) -> float:
    """Typical plot size (m²) in an outline of ``outline_m2``.

    The area's ``mean_plot_daa`` scaled by the outline's size over the area's intended
    size, so that an area whose real (OSM) outline is larger or smaller than intended
    keeps about the number of plots it was designed with (``target_daa /
    mean_plot_daa``); never below twice :data:`~landreg.demo.subdivide.MIN_PLOT_M2`.
    """
    scaled = spec.mean_plot_daa * 1_000.0 * outline_m2 / (spec.target_daa * 1_000.0)
    return max(scaled, 2.0 * MIN_PLOT_M2)


def _band(area_id: str) -> tuple[float, float]:
    from landreg.demo.prices import SERVICED_BAND_NOK_M2

    return SERVICED_BAND_NOK_M2[area_id]


def write_demo(layers_dir: Path, out_dir: Path) -> dict[str, int]:
    """Write ``demo_plots.gpkg``: layers ``plots``, ``price_history``, ``sales``, ``decisions``, ``road_projects``.

    Reads the business areas and destinations from ``layers_dir``.
    """
    areas = gpd.read_file(layers_dir / "business_areas.gpkg", layer="business_areas", engine="pyogrio")
    destinations = gpd.read_file(layers_dir / "destinations.gpkg", layer="destinations", engine="pyogrio")
    plots, prices, sales = build_plots(areas)
    decisions = build_decisions()
    roads = build_road_projects(areas, destinations)
    path = fresh(out_dir / DEMO_FILE)
    write_vector(plots, path, "plots")
    write_table(prices, path, "price_history")
    write_table(sales, path, "sales")
    write_table(decisions, path, "decisions")
    write_vector(roads, path, "road_projects")
    return {
        "plots": len(plots),
        "price_history": len(prices),
        "sales": len(sales),
        "decisions": len(decisions),
        "road_projects": len(roads),
    }
