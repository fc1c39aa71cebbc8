"""Fixtures of the indicator tests: a copy of the demo registry and a small enriched registry built in code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from landreg.enrich import enrich_registry
from landreg.registry import open_registry
from tests.postgis_server import drop_schema, fresh_schema_name

LAYERS = Path(__file__).resolve().parents[3] / "layers"
#: Lower-left corner of the small registry's plots (Tiller, Trondheim), EPSG:25832.
X0, Y0 = 569_000.0, 7_024_000.0
REAL = {"*": {"source": "Trondheim kommune, næringsarealoversikt", "date": "2025-06-01"}}
SYNTHETIC = {"*": {"source": "synthetic", "note": "generated"}}


@pytest.fixture
def demo_registry(demo_registry_file, tmp_path):
    """A copy of the demo registry in tmp_path, opened."""
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    reg = open_registry(path)
    yield reg
    reg.close()


def small_frame(*, synthetic_codes: tuple[str, ...] = ()) -> gpd.GeoDataFrame:
    """Eight plots in two business areas of Trondheim, all available, sizes 4–15 daa.

    The first three touch (one block of area ``a``), the fourth lies 30 m away; ``b`` holds four more
    in Melhus.  Plots whose code is in ``synthetic_codes`` carry a synthetic provenance, the rest a real one.
    """
    rows = []
    sizes = [(100, 40), (100, 60), (100, 80), (100, 150), (60, 70), (90, 100), (50, 80), (120, 120)]
    x = X0
    for k, (w, h) in enumerate(sizes):
        code = f"IND-{k:03d}"
        area = "a" if k < 4 else "b"
        if k == 3:
            x += 30
        if k == 4:
            x += 1000
        rows.append(
            {
                "code": code,
                "municipality_no": "5001" if area == "a" else "5028",
                "business_area_id": area,
                "status": "available",
                "zoning": "industry" if k % 2 else "warehouse_logistics",
                "plan_status": "adopted",
                "readiness": ["raw", "zoned", "serviced", "build_ready"][k % 4],
                "price_min_nok_m2": 500.0 + 100 * k,
                "price_max_nok_m2": 700.0 + 100 * k,
                "price_basis": "serviced",
                "requires_new_road": k in (2, 5),
                "provenance": json.dumps(SYNTHETIC if code in synthetic_codes else REAL),
                "geometry": shapely.box(x, Y0, x + w, Y0 + h),
            }
        )
        x += w + (0 if area == "a" and k < 2 else 40)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:25832")


def build_small_registry(path: Path | str, *, synthetic_codes: tuple[str, ...] = (), schema: str | None = None):
    """The small registry at ``path`` (a GeoPackage or a PostGIS URL), enriched with the bundled layers; open."""
    reg = open_registry(path, create=True, schema=schema) if schema else open_registry(path, create=True)
    reg.add_plots(small_frame(synthetic_codes=synthetic_codes), actor="test")
    enrich_registry(reg, layers_dir=LAYERS)
    return reg


@pytest.fixture(params=["geopackage", pytest.param("postgis", marks=pytest.mark.db)])
def small_registry(request, tmp_path):
    """The small registry on each backend: a GeoPackage in tmp_path, or a fresh schema on the test server."""
    if request.param == "geopackage":
        reg = build_small_registry(tmp_path / "small.gpkg")
        yield reg
        reg.close()
        return
    url = request.getfixturevalue("postgis_url")
    schema = fresh_schema_name()
    reg = build_small_registry(url, schema=schema)
    try:
        yield reg
    finally:
        reg.close()
        drop_schema(url, schema)
