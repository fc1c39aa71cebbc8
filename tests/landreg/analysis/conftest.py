"""Fixtures of the analysis tests: the bundled demo registry (built once per session) and small frames."""

from __future__ import annotations

import shutil
from pathlib import Path

import geopandas as gpd
import pytest
import shapely

from landreg.registry import open_registry

LAYERS = Path(__file__).resolve().parents[3] / "layers"


@pytest.fixture
def demo_registry(demo_registry_file, tmp_path):
    """A copy of the demo registry in tmp_path, opened."""
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_registry_file, path)
    reg = open_registry(path)
    yield reg
    reg.close()


@pytest.fixture(scope="session")
def demo_plots(demo_registry_file):
    from landreg.enrich import enriched_plots

    reg = open_registry(demo_registry_file)
    try:
        return enriched_plots(reg), reg.load_business_areas()
    finally:
        reg.close()


def square(x: float, y: float, size: float = 100.0) -> shapely.Polygon:
    """An axis-aligned square with its lower-left corner at (x, y), metres."""
    return shapely.box(x, y, x + size, y + size)


def small_frame(rows: list[dict]) -> gpd.GeoDataFrame:
    """Enriched-like plots from dicts with a ``geometry`` key (EPSG:25832); area_m2 from the geometry."""
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs="EPSG:25832")
    frame["area_m2"] = frame.geometry.area
    return frame
