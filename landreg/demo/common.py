"""Shared constants and helpers of the demonstration-data generator."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely

#: The one seed of every generated value; change it and everything changes together.
SEED = 20240317
#: Namespace of the demo plot ids: ``uuid5(DEMO_NAMESPACE, code)``.
DEMO_NAMESPACE = uuid.UUID("5b0f3f9e-8c1e-5d4a-9a57-6c616e647265")
SYNTHETIC_NOTE = "generated demonstration data"
SYNTHETIC_PROVENANCE: dict[str, dict[str, str]] = {"*": {"source": "synthetic", "note": SYNTHETIC_NOTE}}
#: Where the real source files are read from: ``$LANDREG_SOURCE_DIR``, else ``../shared/data`` beside the
#: checkout (see SOURCES.md there).
DEFAULT_SOURCE_DIR = Path(
    os.environ.get("LANDREG_SOURCE_DIR") or Path(__file__).resolve().parents[3] / "shared" / "data"
)
#: Coordinates are written rounded to this grid (metres) so files are reproducible and compact.
GRID_M = 0.01


def rng_for(*keys: int | str) -> np.random.Generator:
    """A random generator seeded from :data:`SEED` and ``keys`` (stable across runs and platforms)."""
    parts = [SEED] + [k if isinstance(k, int) else int(uuid.uuid5(DEMO_NAMESPACE, k).int % 2**32) for k in keys]
    return np.random.default_rng(parts)


def demo_plot_id(code: str) -> str:
    """The stable id of a demo plot: a UUID5 of its code."""
    return str(uuid.uuid5(DEMO_NAMESPACE, f"landreg-demo-plot:{code}"))


def snap(geoms: object) -> np.ndarray:
    """Geometries rounded to :data:`GRID_M`, keeping them valid."""
    return shapely.set_precision(np.asarray(geoms, dtype=object), GRID_M)


def write_vector(frame: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    """Write one layer of a GeoPackage (replacing the layer when it exists)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")


def write_table(frame: pd.DataFrame, path: Path, layer: str) -> None:
    """Write an attribute table (no geometry) into a GeoPackage."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pyogrio.write_dataframe(frame, path, layer=layer, driver="GPKG")


def fresh(path: Path) -> Path:
    """Remove ``path`` (and its journal) so a GeoPackage is written from scratch."""
    for p in (path, path.with_name(path.name + "-journal")):
        p.unlink(missing_ok=True)
    return path
