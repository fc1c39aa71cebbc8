"""Helpers that build small, synthetic plot frames for tests and benchmarks.

Everything made here is synthetic and carries ``provenance = {"*": {"source": "synthetic"}}``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3

import geopandas as gpd
import numpy as np
import shapely

from landreg.crs import STORAGE_CRS

#: A point inside Trondheim (Tiller area), EPSG:25832.
TRONDHEIM_ORIGIN_25832 = (566_000.0, 7_020_000.0)
_STATUSES = ["available", "reserved", "sold", "planned"]
_ZONING = ["industry", "warehouse_logistics", "office", "combined"]
_READINESS = ["raw", "zoned", "serviced", "build_ready"]
_MUNICIPALITIES = ["5001", "5028", "5029", "5031", "5035"]


def make_plot_frame(
    n: int,
    *,
    seed: int = 0,
    origin: tuple[float, float] = TRONDHEIM_ORIGIN_25832,
    cell_m: float = 100.0,
    columns: int | None = None,
    prefix: str = "T",
    municipality_no: str | None = "5001",
) -> gpd.GeoDataFrame:
    """``n`` non-overlapping rectangular plots on a grid, with random attributes.

    Parameters
    ----------
    n : int
        Number of plots.
    seed : int
        Seed of the attribute generator (same seed, same frame).
    origin : (x, y)
        Lower-left corner of the grid in EPSG:25832.
    cell_m : float
        Grid spacing in metres; each plot fills 40–90 % of its cell.
    columns : int, optional
        Plots per grid row (default: a square grid).
    prefix : str
        First part of each plot code (``T-000000``, ...).
    municipality_no : str or None
        Fixed municipality, or None to draw from a few region municipalities.

    Returns
    -------
    GeoDataFrame
        Plot input fields and polygons in EPSG:25832.
    """
    rng = np.random.default_rng(seed)
    cols = columns or max(1, int(np.ceil(np.sqrt(n))))
    i = np.arange(n)
    x0 = origin[0] + (i % cols) * cell_m
    y0 = origin[1] + (i // cols) * cell_m
    w = cell_m * rng.uniform(0.4, 0.9, n)
    h = cell_m * rng.uniform(0.4, 0.9, n)
    geoms = shapely.box(x0, y0, x0 + w, y0 + h)
    price = rng.uniform(300, 3000, n).round(0)
    status = rng.choice(_STATUSES, n)
    frame = gpd.GeoDataFrame(
        {
            "code": [f"{prefix}-{k:06d}" for k in i],
            "name": [f"Syntetisk tomt {k}" for k in i],
            "municipality_no": municipality_no if municipality_no else rng.choice(_MUNICIPALITIES, n),
            "status": status,
            "zoning": rng.choice(_ZONING, n),
            "plan_status": "adopted",
            "readiness": rng.choice(_READINESS, n),
            "price_min_nok_m2": price,
            "price_max_nok_m2": price + rng.uniform(0, 500, n).round(0),
            "price_basis": rng.choice(["raw", "serviced"], n),
            "owner_type": rng.choice(["municipal", "private", "public"], n),
            "utilities": json.dumps(["water", "sewer", "power"]),
            "requires_new_road": rng.random(n) < 0.2,
            "provenance": json.dumps({"*": {"source": "synthetic"}}),
        },
        geometry=geoms,
        crs=STORAGE_CRS,
    )
    return frame


def registry_data_digest(path: str | os.PathLike[str]) -> str:
    """A digest of the data of every table of a GeoPackage registry but the analysis results it keeps.

    The kept results (``analysis_results*``) are derived and rebuilt at will, and indexes hold no
    data; everything else — plots, history, enrichment, entities, tokens — is in the digest, so two
    equal digests mean no recorded value changed.
    """
    digest = hashlib.sha256()
    conn = sqlite3.connect(path)
    try:
        for line in conn.iterdump():
            if '"analysis_results' not in line and not line.startswith("CREATE INDEX"):
                digest.update(line.encode())
    finally:
        conn.close()
    return digest.hexdigest()
