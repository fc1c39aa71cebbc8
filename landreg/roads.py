"""Road projects from files: read, name, and which municipalities a road lies in.

The registry writes them (:mod:`landreg.registry.roads`); ``landreg scenario road:<id>``
adds a project to a copy of the road network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd

from landreg.crs import to_storage_crs
from landreg.errors import Problem, ValidationError

ROAD_FIELDS = ("project_id", "name", "status", "speed_kmh", "expected_year", "description")


def read_road_projects(
    path: str | Path, *, crs: Any = None, project_id: str | None = None, defaults: dict[str, Any] | None = None
) -> gpd.GeoDataFrame:
    """Road projects from a GeoJSON / GeoPackage / Shapefile file, with attributes checked by the registry.

    Parameters
    ----------
    path : str or Path
        LineString features with ``project_id``, ``name``, ``speed_kmh`` and optionally
        ``status``, ``expected_year``, ``description``.
    crs : optional
        CRS of the coordinates when the file declares none.
    project_id : str, optional
        The id of the one project in the file (overrides its ``project_id``).
    defaults : dict, optional
        Values for fields the file lacks (e.g. from command-line options).

    Returns
    -------
    GeoDataFrame
        Only the road project fields and the geometry, in the file's CRS.

    Raises
    ------
    FileNotFoundError, UnsupportedFormatError, CRSError, ValidationError
    """
    from landreg.io import read_plots

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    frame = read_plots(path, crs=crs)
    where = path.name
    if len(frame) == 0:
        raise ValidationError([Problem(where, "features", "the file has no features")], context=where)
    if project_id is not None:
        if len(frame) != 1:
            raise ValidationError(
                [Problem(where, "project_id", f"--id names one project, but the file has {len(frame)} features")],
                context=where,
            )
        frame["project_id"] = project_id
    for key, value in (defaults or {}).items():
        if value is None:
            continue
        if key not in frame.columns:
            frame[key] = value
        else:
            frame[key] = frame[key].where(frame[key].notna(), value)
    missing = [c for c in ("project_id", "name", "speed_kmh") if c not in frame.columns]
    if missing:
        raise ValidationError(
            [Problem(where, c, "missing; give it as a property of each feature or as an option") for c in missing],
            context=where,
        )
    keep = [c for c in ROAD_FIELDS if c in frame.columns]
    return gpd.GeoDataFrame(frame[keep], geometry=frame.geometry, crs=frame.crs)


def road_municipalities(roads: gpd.GeoDataFrame, *, municipalities: gpd.GeoDataFrame) -> set[str]:
    """Kommunenummer of the municipalities the roads run through.

    Parameters
    ----------
    roads : GeoDataFrame
        Lines with a declared CRS.
    municipalities : GeoDataFrame
        The ``municipalities`` layer (``kommunenummer``).
    """
    lines = to_storage_crs(roads, where="road projects")
    munis = to_storage_crs(municipalities, where="municipalities")
    hit = gpd.sjoin(munis[["kommunenummer", munis.geometry.name]], lines[[lines.geometry.name]], predicate="intersects")
    return {str(m) for m in hit["kommunenummer"]}
