"""Splitting and merging plots from files or GeoJSON: the inputs checked, then the registry's own split/merge.

A split takes either a cutting line (a file or GeoJSON with LineString features, any
declared CRS) or the parts (Polygon features that tile the plot, optionally with a
``code`` each).  A merge takes plots by code or id, each with the version the
change is based on.  Lineage (``previously_part_of``) and history are written by the
registry (:meth:`~landreg.registry.GeoPackageRegistry.split_plot`, ``merge_plots``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from landreg.crs import STORAGE_CRS, to_storage_crs
from landreg.errors import InvalidGeometryError, PlotNotFoundError, Problem, ValidationError
from landreg.io.geojson import geometry_from_geojson
from landreg.model.plot import Plot

if TYPE_CHECKING:
    from landreg.registry.base import EditablePlotStore, PlotStore

_LINES = {"LineString", "MultiLineString"}
_POLYGONS = {"Polygon", "MultiPolygon"}


def resolve_plot(registry: PlotStore, ref: str) -> Plot:
    """A live or ended plot by id, else by live code.

    Raises
    ------
    PlotNotFoundError
    """
    try:
        return registry.get_plot(ref)
    except PlotNotFoundError:
        return registry.get_plot_by_code(ref)


def _geometries(frame: gpd.GeoDataFrame, *, kinds: set[str], what: str, where: str) -> list[BaseGeometry]:
    problems = []
    if len(frame) == 0:
        problems.append(Problem(where, "geometry", f"no features; expected {what}"))
    for i, geom in enumerate(frame.geometry):
        kind = getattr(geom, "geom_type", None)
        if geom is None or geom.is_empty or kind not in kinds:
            problems.append(Problem(f"feature {i}", "geometry", f"expected {what}, got {kind or 'no geometry'}"))
        elif not geom.is_valid:
            problems.append(Problem(f"feature {i}", "geometry", f"invalid: {shapely.is_valid_reason(geom)}"))
    if problems:
        raise ValidationError(problems, context=where)
    return list(to_storage_crs(frame, where=where).geometry)


def blade_from_frame(frame: gpd.GeoDataFrame, *, where: str = "cutting line") -> BaseGeometry:
    """The cutting line of a split (EPSG:25832) from LineString features in any declared CRS.

    Raises
    ------
    ValidationError
        When there are no features or one is not a valid line.
    CRSError
        When the frame declares no CRS.
    """
    lines = _geometries(frame, kinds=_LINES, what="a LineString (the cutting line)", where=where)
    return lines[0] if len(lines) == 1 else shapely.union_all(lines)


def parts_from_frame(frame: gpd.GeoDataFrame, *, where: str = "parts") -> tuple[list[BaseGeometry], list[str] | None]:
    """The parts of a split (EPSG:25832) and their codes (from a ``code`` column, when every part has one).

    Raises
    ------
    ValidationError, CRSError
    """
    geoms = _geometries(frame, kinds=_POLYGONS, what="a Polygon (one part of the plot)", where=where)
    codes = None
    if "code" in frame.columns and frame["code"].notna().all():
        codes = [str(c) for c in frame["code"]]
    return geoms, codes


def read_features(path: str | Path, *, crs: Any = None) -> gpd.GeoDataFrame:
    """Features of a GeoJSON / GeoPackage / Shapefile / CSV file (see :func:`landreg.io.read_plots`).

    Raises
    ------
    FileNotFoundError, UnsupportedFormatError, CRSError
    """
    from landreg.io import read_plots

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    return read_plots(path, crs=crs)


def split_plot_from_frame(
    registry: EditablePlotStore,
    ref: str,
    *,
    expected_version: int,
    actor: str,
    blade: gpd.GeoDataFrame | None = None,
    parts: gpd.GeoDataFrame | None = None,
    codes: Sequence[str] | None = None,
) -> list[Plot]:
    """Split the plot ``ref`` (code or id) by a line or into parts given as features.

    Parameters
    ----------
    registry : EditablePlotStore
        The registry holding the plot.
    ref : str
        Plot code or id.
    expected_version : int
        The version the split is based on (a newer stored version is a conflict).
    actor : str
        Who makes the change (recorded in history).
    blade, parts : GeoDataFrame
        Exactly one: LineString features, or Polygon features tiling the plot (any declared CRS).
    codes : sequence of str, optional
        Codes of the new plots (default: a ``code`` column of ``parts``, else ``<code>-1``, ``-2`` …).

    Returns
    -------
    list of Plot
        The new plots, each with ``previously_part_of = [parent id]``.

    Raises
    ------
    PlotNotFoundError, VersionConflictError, PlotEndedError, InvalidGeometryError, ValidationError
    """
    if (blade is None) == (parts is None):
        raise ValidationError(
            [Problem("split", "input", "give either a cutting line or the parts, not both or neither")],
            context="split",
        )
    plot = resolve_plot(registry, ref)
    if blade is not None:
        line = blade_from_frame(blade)
        return registry.split_plot(
            plot.plot_id, expected_version=expected_version, actor=actor, blade=line, crs=STORAGE_CRS, codes=codes
        )
    assert parts is not None
    geoms, part_codes = parts_from_frame(parts)
    return registry.split_plot(
        plot.plot_id,
        expected_version=expected_version,
        actor=actor,
        parts=geoms,
        crs=STORAGE_CRS,
        codes=codes or part_codes,
    )


def merge_plots_by_ref(
    registry: EditablePlotStore,
    refs: Sequence[str],
    *,
    expected_versions: Sequence[int] | Mapping[str, int],
    actor: str,
    code: str | None = None,
) -> Plot:
    """Merge touching live plots given by code or id into one new plot.

    Parameters
    ----------
    registry : EditablePlotStore
        The registry holding the plots.
    refs : sequence of str
        Plot codes or ids (two or more).
    expected_versions : sequence of int, or mapping
        One version per plot, in the order of ``refs`` (or ref -> version).
    actor : str
        Who makes the change (recorded in history).
    code : str, optional
        Code of the merged plot (default ``<first code>-M``).

    Returns
    -------
    Plot
        The merged plot, with ``previously_part_of`` listing the parents.

    Raises
    ------
    ValidationError
        When the numbers of plots and versions differ or fewer than two plots are given.
    PlotNotFoundError, VersionConflictError, PlotEndedError, InvalidGeometryError
    """
    refs = list(refs)
    if isinstance(expected_versions, Mapping):
        missing = [r for r in refs if r not in expected_versions]
        if missing:
            raise ValidationError(
                [Problem(r, "version", "no version given for this plot") for r in missing], context="merge"
            )
        versions = [int(expected_versions[r]) for r in refs]
    else:
        versions = [int(v) for v in expected_versions]
    if len(refs) < 2:
        raise ValidationError(
            [Problem("merge", "plots", f"a merge needs two or more plots, got {len(refs)}")], context="merge"
        )
    if len(versions) != len(refs):
        raise ValidationError(
            [Problem("merge", "version", f"{len(refs)} plots but {len(versions)} versions; give one version per plot")],
            context="merge",
        )
    plots = [resolve_plot(registry, r) for r in refs]
    if len({p.plot_id for p in plots}) != len(plots):
        raise ValidationError([Problem("merge", "plots", "the same plot is named twice")], context="merge")
    return registry.merge_plots(
        [p.plot_id for p in plots],
        expected_versions={p.plot_id: v for p, v in zip(plots, versions, strict=True)},
        actor=actor,
        code=code,
    )


def features_to_frame(doc: Any, *, crs: Any, where: str) -> gpd.GeoDataFrame:
    """A GeoDataFrame from a GeoJSON geometry, Feature or FeatureCollection (coordinates in ``crs``).

    Raises
    ------
    ValidationError
        When ``doc`` is not GeoJSON.
    """
    if isinstance(doc, dict) and doc.get("type") == "FeatureCollection":
        features = doc.get("features") or []
    elif isinstance(doc, dict) and doc.get("type") == "Feature":
        features = [doc]
    elif isinstance(doc, dict) and "coordinates" in doc:
        features = [{"type": "Feature", "geometry": doc, "properties": {}}]
    else:
        raise ValidationError(
            [Problem(where, "type", "expected a GeoJSON geometry, Feature or FeatureCollection")], context=where
        )
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise ValidationError([Problem(where, "features", "expected an array of GeoJSON Features")], context=where)
    rows, geoms = [], []
    for i, f in enumerate(features):
        try:
            geoms.append(geometry_from_geojson(f.get("geometry")) if f.get("geometry") else None)
        except InvalidGeometryError as exc:
            raise ValidationError(
                [Problem(f"feature {i}", "geometry", f"not a GeoJSON geometry: {exc}")], context=where
            ) from exc
        rows.append(dict(f.get("properties") or {}))
    return gpd.GeoDataFrame(pd.DataFrame(rows, index=range(len(rows))), geometry=geoms, crs=crs)
