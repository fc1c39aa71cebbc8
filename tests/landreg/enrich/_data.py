"""Small synthetic inputs for the enrichment tests, built in code (EPSG:25832)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import rasterio
import shapely
from affine import Affine

from landreg.crs import STORAGE_CRS

ORIGIN = (566_000.0, 7_020_000.0)  # make_plot_frame's default origin


def grid_roads(
    n: int = 6,
    *,
    spacing_m: float = 200.0,
    origin: tuple[float, float] = ORIGIN,
    seed: int = 0,
    jitter_m: float = 30.0,
    oneway_share: float = 0.0,
    speeds=(30.0, 50.0, 80.0),
) -> gpd.GeoDataFrame:
    """A perturbed n × n grid of straight road links with random speeds (and one-ways)."""
    rng = np.random.default_rng(seed)
    x = origin[0] - spacing_m / 2 + np.arange(n) * spacing_m
    y = origin[1] - spacing_m / 2 + np.arange(n) * spacing_m
    xx, yy = np.meshgrid(x, y)
    xx = xx + rng.uniform(-jitter_m, jitter_m, xx.shape)
    yy = yy + rng.uniform(-jitter_m, jitter_m, yy.shape)
    lines = []
    for i in range(n):
        for j in range(n):
            if j + 1 < n:
                lines.append(shapely.LineString([(xx[i, j], yy[i, j]), (xx[i, j + 1], yy[i, j + 1])]))
            if i + 1 < n:
                lines.append(shapely.LineString([(xx[i, j], yy[i, j]), (xx[i + 1, j], yy[i + 1, j])]))
    m = len(lines)
    oneway = np.where(rng.random(m) < oneway_share, rng.choice(["yes", "-1"], m), "no")
    return gpd.GeoDataFrame(
        {
            "speed_kmh": rng.choice(speeds, m),
            "vegkategori": rng.choice(["E", "R", "F", "K"], m),
            "typeVeg": "enkelBilveg",
            "oneway": oneway,
        },
        geometry=lines,
        crs=STORAGE_CRS,
    )


def destinations_for(roads: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """One destination of each kind, at or near road-link end points."""
    pts = shapely.get_coordinates(shapely.get_point(roads.geometry.to_numpy(), 0))
    rows = [
        ("port_a", "port", 0),
        ("airport_a", "airport", 5),
        ("rail_trondheim_s", "rail_station", 11),
        ("freight_a", "rail_freight_terminal", 17),
        ("jct_1", "motorway_junction", 23),
        ("jct_2", "motorway_junction", 40),
        ("city_centre", "city_centre", 30),
    ]
    return gpd.GeoDataFrame(
        {"dest_id": [r[0] for r in rows], "kind": [r[1] for r in rows], "status": "existing"},
        geometry=[shapely.Point(pts[r[2] % len(pts)] + np.array([3.0, 4.0])) for r in rows],
        crs=STORAGE_CRS,
    )


def write_dem(
    path: Path,
    *,
    origin: tuple[float, float] = (565_500.0, 7_021_500.0),
    size: int = 60,
    pixel_m: float = 25.0,
    nodata: float | None = -9999.0,
) -> Path:
    """A smooth synthetic DEM (GeoTIFF, EPSG:25832) with a plane plus waves."""
    rows, cols = np.mgrid[0:size, 0:size]
    z = 100 + 0.2 * cols * pixel_m + 30 * np.sin(rows / 7.0) + 10 * np.cos(cols / 5.0)
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:25832",
        "transform": Affine(pixel_m, 0.0, origin[0], 0.0, -pixel_m, origin[1]),
    }
    if nodata is not None:
        profile["nodata"] = nodata
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z.astype("float32"), 1)
    return path


def _layer(layer_id: str, file: str, kind: str, role: str, layer: str | None = None) -> str:
    lines = ["[[layer]]", f'id = "{layer_id}"', f'file = "{file}"']
    if layer:
        lines.append(f'layer = "{layer}"')
    lines += [
        'crs = "EPSG:25832"',
        f'kind = "{kind}"',
        f'role = "{role}"',
        'source = "test"',
        'license = "CC0"',
        'attribution = "test"',
        "synthetic = true",
        'description = "built in a test"',
    ]
    return "\n".join(lines)


def write_layers(folder: Path, *, roads: gpd.GeoDataFrame | None = None) -> Path:
    """A layers folder with layers.toml: roads, destinations, DEM, quick clay (+coverage), protected areas."""
    folder.mkdir(parents=True, exist_ok=True)
    roads = roads if roads is not None else grid_roads(8)
    roads.to_file(folder / "net.gpkg", layer="roads", engine="pyogrio")
    destinations_for(roads).to_file(folder / "net.gpkg", layer="destinations", engine="pyogrio")
    write_dem(folder / "dem.tif")
    x, y = ORIGIN
    qc = gpd.GeoDataFrame(
        {"zone_id": ["qc1"]}, geometry=[shapely.box(x + 50, y + 50, x + 150, y + 120)], crs=STORAGE_CRS
    )
    cov = gpd.GeoDataFrame(
        {"coverage_id": ["c1"]}, geometry=[shapely.box(x - 100, y - 100, x + 200, y + 500)], crs=STORAGE_CRS
    )
    prot = gpd.GeoDataFrame(
        {"navn": ["p"]}, geometry=[shapely.box(x + 200, y + 200, x + 230, y + 230)], crs=STORAGE_CRS
    )
    qc.to_file(folder / "haz.gpkg", layer="quick_clay", engine="pyogrio")
    cov.to_file(folder / "haz.gpkg", layer="quick_clay_coverage", engine="pyogrio")
    prot.to_file(folder / "prot.gpkg", layer="protected_areas", engine="pyogrio")
    manifest = "\n\n".join(
        [
            _layer("roads", "net.gpkg", "vector", "network", "roads"),
            _layer("destinations", "net.gpkg", "vector", "destination", "destinations"),
            _layer("dem", "dem.tif", "raster", "terrain"),
            _layer("quick_clay", "haz.gpkg", "vector", "hazard", "quick_clay"),
            _layer("quick_clay_coverage", "haz.gpkg", "vector", "hazard_coverage", "quick_clay_coverage"),
            _layer("protected_areas", "prot.gpkg", "vector", "constraint", "protected_areas"),
        ]
    )
    (folder / "layers.toml").write_text(manifest + "\n", encoding="utf-8")
    return folder


def dumps(obj: object) -> str:
    return json.dumps(obj, sort_keys=True)
