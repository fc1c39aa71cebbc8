"""Small price frames built in code, and the bundled registry for CLI tests."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from landreg.prices import build_price_observations

LAYERS = Path(__file__).resolve().parents[3] / "layers"


def make_plots(specs: list[tuple[str, float, str, str]]) -> gpd.GeoDataFrame:
    """Square plots: (plot_id, side_m, municipality_name, zoning), placed 1 km apart (EPSG:25832)."""
    rows, geoms = [], []
    for i, (pid, side, muni, zoning) in enumerate(specs):
        x0, y0 = 570_000 + 1_000 * i, 7_030_000
        geoms.append(shapely.box(x0, y0, x0 + side, y0 + side))
        rows.append(
            {
                "plot_id": pid,
                "code": pid.upper(),
                "area_m2": side * side,
                "municipality_no": {"A": "5001", "B": "5028"}.get(muni, "5099"),
                "municipality_name": muni,
                "business_area_id": f"area_{muni.lower()}",
                "zoning": zoning,
                "readiness": "serviced",
                "status": "available",
            }
        )
    return gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:25832")


def make_history(rows: list[tuple]) -> pd.DataFrame:
    """(plot_id, observed_on, kind, price, basis, fees) -> a price-history frame."""
    cols = ["plot_id", "observed_on", "kind", "price_nok_m2", "basis", "connection_fees_included"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["source"] = "test"
    return frame


@pytest.fixture
def tiny_observations() -> pd.DataFrame:
    """Three plots (100, 200, 300 m sides) in municipalities A and B with hand-countable prices."""
    plots = make_plots([("p1", 100, "A", "industry"), ("p2", 200, "A", "industry"), ("p3", 300, "B", "office")])
    history = make_history(
        [
            ("p1", "2020-03-01", "asking", 1000.0, "serviced", True),
            ("p2", "2020-06-01", "asking", 2000.0, "serviced", True),
            ("p3", "2020-09-01", "asking", 400.0, "serviced", True),
            ("p1", "2021-03-01", "asking", 1100.0, "serviced", True),
            ("p2", "2021-06-01", "asking", 2200.0, "serviced", True),
            ("p3", "2021-09-01", "asking", 440.0, "serviced", True),
            ("p1", "2021-05-01", "transaction", 900.0, "serviced", True),
            ("p2", "2021-05-01", "asking", 700.0, "raw", False),
        ]
    )
    return build_price_observations(plots, history)


@pytest.fixture(scope="session")
def bundled_registry(tmp_path_factory) -> Path:
    """The registry built from the bundled layers (once per session)."""
    from landreg.layers.build import create_registry_from_layers

    path = tmp_path_factory.mktemp("prices") / "registry.gpkg"
    return create_registry_from_layers(path, layers_dir=LAYERS, enrich=False).path
