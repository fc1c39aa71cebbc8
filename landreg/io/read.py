"""Reading plots from exchange files into GeoDataFrames (any declared CRS)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from landreg.crs import parse_crs
from landreg.errors import CRSError, Problem, UnsupportedFormatError, ValidationError
from landreg.io.encoding import EncodingError, gdal_encoding_name, shapefile_encoding, text_file_encoding
from landreg.io.formats import SHAPEFILE_NAMES_REVERSED, FileFormat, detect_format
from landreg.io.geojson import read_geojson, read_geojson_seq

_WKT_COLUMNS = ("wkt", "geometry", "geom", "WKT")
_LONLAT_COLUMNS = (("lon", "lat"), ("longitude", "latitude"), ("lng", "lat"))


def read_plots(
    path: str | Path, *, fmt: str | None = None, layer: str | None = None, crs: Any = None
) -> gpd.GeoDataFrame:
    """Read plots (or any features) from GeoJSON, GeoPackage, Shapefile (or zipped), CSV or GeoParquet.

    Parameters
    ----------
    path : str or Path
        The file (a ``.zip`` holding a Shapefile is read as one).
    fmt : str, optional
        Format name (see :class:`~landreg.io.formats.FileFormat`); default from the suffix.
    layer : str, optional
        Layer of a GeoPackage (default ``plots`` when present, else the only layer).
    crs : optional
        CRS of the coordinates when the file declares none (CSV with WKT);
        overrides a GeoJSON ``crs`` member.  Lon/lat CSV columns are EPSG:4326.

    Returns
    -------
    GeoDataFrame
        In the file's CRS; never without one.

    Raises
    ------
    FileNotFoundError, UnsupportedFormatError, CRSError, ValidationError
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    kind = detect_format(path, fmt)
    if kind is FileFormat.GEOJSON:
        return read_geojson(path, crs=crs)
    if kind is FileFormat.GEOJSONSEQ:
        return read_geojson_seq(path, crs=crs)
    if kind is FileFormat.CSV:
        return _read_csv(path, crs=crs)
    if kind is FileFormat.GEOPARQUET:
        frame = _read_parquet(path)
    else:
        frame = _read_ogr(path, kind, layer)
        if kind in (FileFormat.SHAPEFILE, FileFormat.SHAPEFILE_ZIP):
            frame = frame.rename(columns=SHAPEFILE_NAMES_REVERSED)
    if frame.crs is None:
        if crs is None:
            raise CRSError(f"{path.name} declares no CRS (missing .prj?); give the CRS explicitly")
        frame = frame.set_crs(parse_crs(crs, where=path.name))
    return frame


def _not_readable(path: Path, kind: FileFormat, reason: object) -> UnsupportedFormatError:
    """The error for a file that is not in the format its suffix (or ``--format``) names."""
    said = str(reason).split(";", 1)[0].rstrip(".")  # GDAL's own hint (a driver prefix) is not for our users
    return UnsupportedFormatError(
        f"{path.name}: cannot be read as {kind.value} ({said}); check that the file is what its suffix says, "
        "or name its format (--format geojson, gpkg, shapefile, shapefile-zip, csv, geoparquet)"
    )


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    import pyarrow

    try:
        return gpd.read_parquet(path)
    except (pyarrow.ArrowException, ValueError, OSError) as exc:  # not Parquet, or Parquet without geometry
        raise _not_readable(path, FileFormat.GEOPARQUET, exc) from None


def _read_ogr(path: Path, kind: FileFormat, layer: str | None) -> gpd.GeoDataFrame:
    if kind is FileFormat.GPKG and layer is None:
        try:
            listed = pyogrio.list_layers(path)
        except pyogrio.errors.DataSourceError as exc:
            raise _not_readable(path, kind, exc) from None
        names = [name for name, geom_type in listed if geom_type is not None]
        layer = "plots" if "plots" in names else (names[0] if len(names) == 1 else None)
        if layer is None:
            raise UnsupportedFormatError(f"{path.name} has several layers {names}; name the one to read")
    target = str(path)
    if kind is FileFormat.SHAPEFILE_ZIP:
        target = f"/vsizip/{path}"
    # The .cpg when there is one, else UTF-8 or CP1252 as the attribute bytes show (æøå intact).
    options = {}
    if kind in (FileFormat.SHAPEFILE, FileFormat.SHAPEFILE_ZIP):
        options["ENCODING"] = gdal_encoding_name(shapefile_encoding(path))
    try:
        return pyogrio.read_dataframe(target, layer=layer, **options)
    except pyogrio.errors.DataSourceError as exc:
        raise _not_readable(path, kind, exc) from None
    except pyogrio.errors.DataLayerError as exc:
        raise UnsupportedFormatError(f"{path.name}: no layer {layer!r} ({exc})") from exc
    except UnicodeDecodeError as exc:
        declared = options.get("ENCODING", "UTF-8")
        raise EncodingError(
            f"{path.name}: the attribute text is not {declared} as the file says ({exc.reason} at byte "
            f"{exc.start}); correct the .cpg beside the .shp (e.g. 1252 for Windows-1252, UTF-8) or remove it"
        ) from None


def _read_csv(path: Path, *, crs: Any) -> gpd.GeoDataFrame:
    table = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding=text_file_encoding(path))
    table = table.astype(object).where(table.notna(), None)
    wkt_col = next((c for c in _WKT_COLUMNS if c in table.columns), None)
    if wkt_col is not None:
        if crs is None:
            prj = path.with_suffix(".prj")
            if not prj.exists():
                raise CRSError(
                    f"{path.name}: WKT geometries need a CRS; give it explicitly or put a {prj.name} beside the file"
                )
            crs = prj.read_text(encoding="utf-8")
        problems, geoms = [], []
        for i, text in enumerate(table[wkt_col]):
            try:
                geoms.append(None if text is None else shapely.from_wkt(text))
            except shapely.errors.GEOSException as exc:
                problems.append(Problem(f"row {i + 1}", wkt_col, f"not valid WKT: {exc}"))
                geoms.append(None)
        if problems:
            raise ValidationError(problems, context=path.name)
        return gpd.GeoDataFrame(table.drop(columns=[wkt_col]), geometry=geoms, crs=parse_crs(crs, where=path.name))
    for lon, lat in _LONLAT_COLUMNS:
        if lon in table.columns and lat in table.columns:
            try:
                x = pd.to_numeric(table[lon])
                y = pd.to_numeric(table[lat])
            except ValueError as exc:
                raise ValidationError(
                    [Problem(path.name, f"{lon}/{lat}", f"not numbers: {exc}")], context="import"
                ) from exc
            pts = gpd.points_from_xy(x, y)
            return gpd.GeoDataFrame(table.drop(columns=[lon, lat]), geometry=pts, crs=parse_crs(crs or "EPSG:4326"))
    raise ValidationError(
        [
            Problem(
                path.name, "geometry", f"no geometry column; expected one of {list(_WKT_COLUMNS)} or lon/lat columns"
            )
        ],
        context="import",
    )
