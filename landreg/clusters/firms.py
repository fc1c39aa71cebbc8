"""Firms as points: the occupants of plots (and of business areas) in EPSG:25832."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.clusters.industries import nace_division

FIRM_COLUMNS = (
    "name",
    "nace",
    "division",
    "employees",
    "business_area_id",
    "municipality_no",
    "n_plots",
    "plot_ids",
    "on_plot",
)


def firms_from_plots(plots: gpd.GeoDataFrame, *, areas: gpd.GeoDataFrame | None = None) -> gpd.GeoDataFrame:
    """One point per firm (by name): at the centroid of the plots it occupies.

    Parameters
    ----------
    plots : GeoDataFrame
        With ``occupants`` (list of ``{name, nace, employees}``), EPSG:25832.
    areas : GeoDataFrame, optional
        Business areas with ``occupants``; firms named only there are placed at the
        area's representative point (``on_plot`` False).

    Returns
    -------
    GeoDataFrame
        :data:`FIRM_COLUMNS` and a point geometry (EPSG:25832).
    """
    rows: dict[str, dict] = {}
    geoms: dict[str, list] = {}
    if "occupants" in plots.columns:
        pid = plots["plot_id"].to_numpy() if "plot_id" in plots.columns else np.arange(len(plots)).astype(str)
        area = plots["business_area_id"].to_numpy() if "business_area_id" in plots.columns else [None] * len(plots)
        muni = plots["municipality_no"].to_numpy() if "municipality_no" in plots.columns else [None] * len(plots)
        for occ, g, p, a, m in zip(
            plots["occupants"].to_numpy(), plots.geometry.to_numpy(), pid, area, muni, strict=True
        ):
            for o in occ if isinstance(occ, list) else []:
                rec = rows.setdefault(
                    o["name"],
                    {
                        "name": o["name"],
                        "nace": o["nace"],
                        "employees": o.get("employees"),
                        "business_area_id": a,
                        "municipality_no": m,
                        "plot_ids": [],
                        "on_plot": True,
                    },
                )
                if rec["employees"] is None and o.get("employees") is not None:
                    rec["employees"] = o["employees"]
                rec["plot_ids"].append(str(p))
                geoms.setdefault(o["name"], []).append(g)
    points = {k: shapely.union_all(v).centroid for k, v in geoms.items()}
    if areas is not None and "occupants" in areas.columns:
        for occ, g, a, m in zip(
            areas["occupants"], areas.geometry, areas["area_id"], areas["municipality_no"], strict=True
        ):
            for o in occ if isinstance(occ, list) else []:
                if o["name"] in rows:
                    continue
                rows[o["name"]] = {
                    "name": o["name"],
                    "nace": o["nace"],
                    "employees": o.get("employees"),
                    "business_area_id": a,
                    "municipality_no": m,
                    "plot_ids": [],
                    "on_plot": False,
                }
                points[o["name"]] = g.representative_point()
    frame = pd.DataFrame(list(rows.values()), columns=[c for c in FIRM_COLUMNS if c not in ("division", "n_plots")])
    frame["division"] = [nace_division(n) for n in frame["nace"]]
    frame["n_plots"] = [len(p) for p in frame["plot_ids"]]
    frame["employees"] = pd.to_numeric(frame["employees"], errors="coerce")
    crs = getattr(plots, "crs", None)
    return gpd.GeoDataFrame(frame[list(FIRM_COLUMNS)], geometry=[points[n] for n in frame["name"]], crs=crs)
