"""Loading layers named in the manifest, always in EPSG:25832."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from landreg.crs import parse_crs, to_storage_crs
from landreg.errors import ConfigurationError, CRSError
from landreg.layers.manifest import LayerSpec, load_manifest


def list_layers(*, layers_dir: str | Path) -> list[LayerSpec]:
    """Every layer named in ``layers_dir/layers.toml``, in manifest order.

    Raises
    ------
    ConfigurationError
        When the manifest is missing or malformed.
    """
    return list(load_manifest(layers_dir).layers)


def _read_vector(spec: LayerSpec) -> gpd.GeoDataFrame:
    frame = gpd.read_file(spec.path, layer=spec.layer, engine="pyogrio")
    declared = parse_crs(spec.crs, where=f"layer {spec.id!r}")
    if frame.crs is None:
        frame = frame.set_crs(declared)  # the manifest declares it: not a guess
    elif not frame.crs.equals(declared):
        raise CRSError(
            f"layer {spec.id!r}: {spec.path.name} is in {frame.crs.to_string()} but the manifest declares "
            f"{spec.crs}; fix the manifest's crs or reproject the file"
        )
    return to_storage_crs(frame, where=f"layer {spec.id!r}")


def load_layer_spec(spec: LayerSpec) -> gpd.GeoDataFrame | pd.DataFrame | Path:
    """Load the layer that ``spec`` describes (see :func:`load_layer`)."""
    if not spec.path.exists():
        raise ConfigurationError(f"layer {spec.id!r}: file {spec.path} does not exist (manifest file {spec.file!r})")
    if spec.kind == "raster":
        return spec.path
    try:
        if spec.kind == "table":
            return pyogrio.read_dataframe(spec.path, layer=spec.layer, read_geometry=False)
        return _read_vector(spec)
    except pyogrio.errors.DataLayerError as exc:
        message = f"layer {spec.id!r}: cannot read layer {spec.layer!r} of {spec.path.name} ({exc})"
        raise ConfigurationError(message) from exc
    except pyogrio.errors.DataSourceError as exc:
        raise ConfigurationError(f"layer {spec.id!r}: cannot open {spec.path} ({exc})") from exc


def load_layer(layer_id: str, *, layers_dir: str | Path) -> gpd.GeoDataFrame | pd.DataFrame | Path:
    """Load one layer of the manifest.

    Parameters
    ----------
    layer_id : str
        The layer's ``id`` in ``layers.toml``.
    layers_dir : str or Path
        The folder holding ``layers.toml`` (or the manifest file).

    Returns
    -------
    GeoDataFrame, DataFrame or Path
        Vector layers as a GeoDataFrame in EPSG:25832 (transformed with pyproj
        when the manifest declares another CRS); attribute tables as a
        DataFrame; rasters as the path to open with rasterio.

    Raises
    ------
    ConfigurationError
        When the layer is unknown, its file is missing or cannot be read.
    CRSError
        When the file's CRS differs from the one the manifest declares.
    """
    spec = load_manifest(layers_dir).get(layer_id)
    return load_layer_spec(spec)
