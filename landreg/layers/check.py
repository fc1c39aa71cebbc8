"""Checks of the layers folder: files exist, CRS as declared, geometries valid, rasters readable, ferries joined."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyogrio
import shapely

from landreg.crs import REGION_EXTENT_25832, STORAGE_CRS, parse_crs
from landreg.errors import LandregError, Problem
from landreg.layers.manifest import LayerSpec, load_manifest

_MAX_LISTED = 5


def _label(spec: LayerSpec) -> str:
    return f"layer {spec.id!r}"


def _check_crs(spec: LayerSpec, actual: object, problems: list[Problem]) -> bool:
    try:
        declared = parse_crs(spec.crs, where=_label(spec))
    except LandregError as exc:
        problems.append(Problem(_label(spec), "crs", str(exc)))
        return False
    if actual is None:
        return True  # the manifest's declaration is used
    actual_crs = parse_crs(actual, where=_label(spec))
    if not actual_crs.equals(declared):
        problems.append(
            Problem(
                _label(spec),
                "crs",
                f"the manifest declares {spec.crs} but {spec.path.name} is in {actual_crs.to_string()}",
            )
        )
        return False
    return True


def _check_extent(
    spec: LayerSpec, bounds: tuple[float, float, float, float], crs: object, problems: list[Problem]
) -> None:
    from pyproj import Transformer

    if not all(np.isfinite(bounds)):
        return
    to_storage = Transformer.from_crs(parse_crs(crs), STORAGE_CRS, always_xy=True)
    x0, y0, x1, y1 = to_storage.transform_bounds(*bounds)
    ex0, ey0, ex1, ey1 = REGION_EXTENT_25832
    if x1 < ex0 or x0 > ex1 or y1 < ey0 or y0 > ey1:
        message = (
            f"bounds ({x0:.0f}, {y0:.0f}, {x1:.0f}, {y1:.0f}) in EPSG:25832 do not touch the region "
            f"extent {REGION_EXTENT_25832}"
        )
        problems.append(Problem(_label(spec), "extent", message))


def _check_vector(spec: LayerSpec, problems: list[Problem]) -> None:
    try:
        info = pyogrio.read_info(spec.path, layer=spec.layer)
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
        problems.append(Problem(_label(spec), "layer", f"cannot read layer {spec.layer!r} of {spec.path.name}: {exc}"))
        return
    if spec.kind == "table":
        if info.get("geometry_type"):
            problems.append(Problem(_label(spec), "kind", f"declared a table but has {info['geometry_type']} geometry"))
        return
    if not info.get("geometry_type"):
        problems.append(Problem(_label(spec), "kind", "declared a vector layer but has no geometry column"))
        return
    if not _check_crs(spec, info.get("crs"), problems):
        return
    _, _, geoms, _ = pyogrio.raw.read(spec.path, layer=spec.layer, read_geometry=True, columns=[])
    geoms = shapely.from_wkb(np.asarray(geoms, dtype=object))
    missing = np.flatnonzero(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    if len(missing):
        problems.append(
            Problem(
                _label(spec),
                "geometry",
                f"{len(missing)} feature(s) without geometry, e.g. row(s) {missing[:_MAX_LISTED].tolist()}",
            )
        )
    invalid = np.flatnonzero(~shapely.is_valid(geoms) & ~shapely.is_missing(geoms))
    if len(invalid):
        reason = shapely.is_valid_reason(geoms[invalid[0]])
        problems.append(
            Problem(
                _label(spec),
                "geometry",
                f"{len(invalid)} invalid geometr(y/ies), e.g. row {int(invalid[0]) + 1}: {reason}",
            )
        )
    if len(geoms) and len(missing) < len(geoms):
        _check_extent(spec, tuple(shapely.total_bounds(geoms)), info.get("crs") or spec.crs, problems)


def _check_ferry_ends(spec: LayerSpec, problems: list[Problem]) -> None:
    """A road network's car-ferry ends must meet a road (see :func:`~landreg.enrich.network.dangling_ferry_ends`)."""
    import geopandas as gpd

    from landreg.enrich.network import DEFAULT_FERRY_CONNECT_TOLERANCE_M, dangling_ferry_ends

    columns = pyogrio.read_info(spec.path, layer=spec.layer)["fields"].tolist()
    wanted = [c for c in ("typeVeg", "route", "ferry") if c in columns]
    if not wanted:
        return
    roads = gpd.read_file(spec.path, layer=spec.layer, columns=wanted, engine="pyogrio")
    if roads.crs is None:
        roads = roads.set_crs(spec.crs)
    ends = dangling_ferry_ends(roads)
    if len(ends):
        where = ", ".join(f"({x:.0f}, {y:.0f})" for x, y in ends[:_MAX_LISTED])
        problems.append(
            Problem(
                _label(spec),
                "ferry",
                f"{len(ends)} car-ferry end(s) meet no road within {DEFAULT_FERRY_CONNECT_TOLERANCE_M:.0f} m, "
                f"e.g. at {where} (EPSG:25832); extend the ferry line or the road to the quay",
            )
        )


def _check_raster(spec: LayerSpec, problems: list[Problem]) -> None:
    import rasterio
    from rasterio.windows import Window

    try:
        with rasterio.open(spec.path) as src:
            if not _check_crs(spec, src.crs.to_wkt() if src.crs else None, problems):
                return
            if src.crs is None:
                problems.append(Problem(_label(spec), "crs", f"{spec.path.name} has no CRS; rasters must carry theirs"))
                return
            src.read(1, window=Window(0, 0, min(256, src.width), min(256, src.height)))
            b = src.bounds
            _check_extent(spec, (b.left, b.bottom, b.right, b.top), src.crs.to_wkt(), problems)
    except rasterio.errors.RasterioError as exc:
        problems.append(Problem(_label(spec), "file", f"cannot read raster {spec.path.name}: {exc}"))


def check_layers(layers_dir: str | Path) -> list[Problem]:
    """Check every layer of the manifest.

    Parameters
    ----------
    layers_dir : str or Path
        The folder holding ``layers.toml`` (or the manifest file).

    Returns
    -------
    list of Problem
        One entry per problem (``record`` names the layer); empty when all is well.
        A manifest that cannot be parsed gives one problem with record ``"manifest"``.
    """
    try:
        manifest = load_manifest(layers_dir)
    except LandregError as exc:
        return [Problem("manifest", "layers.toml", str(exc))]
    problems: list[Problem] = []
    for spec in manifest.layers:
        if not spec.path.is_file():
            problems.append(Problem(_label(spec), "file", f"{spec.path} does not exist (manifest file {spec.file!r})"))
            continue
        if spec.kind == "raster":
            _check_raster(spec, problems)
        else:
            before = len(problems)
            _check_vector(spec, problems)
            if spec.role == "network" and spec.kind == "vector" and len(problems) == before:
                _check_ferry_ends(spec, problems)
    return problems
