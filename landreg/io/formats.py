"""File formats that plots can be read from and written to."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from landreg.errors import UnsupportedFormatError


class FileFormat(StrEnum):
    """Supported exchange formats."""

    GEOJSON = "geojson"
    #: GeoJSON text sequence: one Feature per line (``.geojsonl``), RS-led per RFC 8142 (``.geojsons``).
    GEOJSONSEQ = "geojsonseq"
    GPKG = "gpkg"
    SHAPEFILE = "shapefile"
    SHAPEFILE_ZIP = "shapefile-zip"
    CSV = "csv"
    GEOPARQUET = "geoparquet"


_SUFFIXES = {
    ".geojson": FileFormat.GEOJSON,
    ".json": FileFormat.GEOJSON,
    ".geojsonl": FileFormat.GEOJSONSEQ,
    ".geojsons": FileFormat.GEOJSONSEQ,
    ".gpkg": FileFormat.GPKG,
    ".shp": FileFormat.SHAPEFILE,
    ".zip": FileFormat.SHAPEFILE_ZIP,
    ".csv": FileFormat.CSV,
    ".parquet": FileFormat.GEOPARQUET,
    ".geoparquet": FileFormat.GEOPARQUET,
}


def detect_format(path: str | Path, fmt: str | None = None) -> FileFormat:
    """The format named by ``fmt`` or implied by the file suffix.

    Raises
    ------
    UnsupportedFormatError
        When neither names a supported format.
    """
    if fmt is not None:
        try:
            return FileFormat(fmt.lower())
        except ValueError:
            raise UnsupportedFormatError(
                f"unknown format {fmt!r}; expected one of {[f.value for f in FileFormat]}"
            ) from None
    suffix = Path(path).suffix.lower()
    if suffix not in _SUFFIXES:
        raise UnsupportedFormatError(
            f"{Path(path).name}: cannot tell the format from the suffix {suffix!r}; expected one of "
            f"{sorted(_SUFFIXES)} or give the format explicitly"
        )
    return _SUFFIXES[suffix]


#: Shapefile (dBase) field names are at most 10 characters.
SHAPEFILE_NAMES: dict[str, str] = {
    "municipality_no": "muni_no",
    "municipality_name": "muni_name",
    "business_area_id": "area_id",
    "available_from": "avail_from",
    "availability_note": "avail_note",
    "decision_id": "decision",
    "plan_status": "plan_stat",
    "price_min_nok_m2": "price_min",
    "price_max_nok_m2": "price_max",
    "price_basis": "price_bas",
    "connection_fees_included": "conn_fees",
    "requires_new_road": "new_road",
    "last_verified": "last_verif",
    "previously_part_of": "prev_part",
}
SHAPEFILE_NAMES_REVERSED = {v: k for k, v in SHAPEFILE_NAMES.items()}
