"""Request bodies of the editing routes: JSON parsed once, GeoJSON geometry taken into the storage CRS."""

from __future__ import annotations

from typing import Any

import numpy as np
import orjson
from fastapi import Request

from api.crs import CRS84, STORAGE_CRS_URI, normalise_crs_uri, transform_geometries
from landreg.crs import STORAGE_CRS
from landreg.edits import features_to_frame
from landreg.errors import Problem, ValidationError


async def json_body(request: Request) -> Any:
    """The request body parsed as JSON.

    Parameters
    ----------
    request : Request
        The incoming request.

    Returns
    -------
    Any
        The parsed document.

    Raises
    ------
    ValidationError
        When the body is not valid JSON.
    """
    try:
        return orjson.loads(await request.body())
    except orjson.JSONDecodeError as exc:
        raise ValidationError([Problem("body", "json", f"not valid JSON: {exc}")], context="request") from exc


async def json_object_body(request: Request) -> dict[str, Any]:
    """The request body as a JSON object.

    Parameters
    ----------
    request : Request
        The incoming request.

    Returns
    -------
    dict

    Raises
    ------
    ValidationError
        When the body is not valid JSON or not an object.
    """
    doc = await json_body(request)
    if not isinstance(doc, dict):
        raise ValidationError([Problem("body", "type", "expected a JSON object")], context="request")
    return doc


def content_crs(request: Request) -> str:
    """The CRS URI of the body's coordinates: the ``Content-Crs`` header, CRS84 when absent.

    Parameters
    ----------
    request : Request
        The incoming request.

    Returns
    -------
    str
        A supported CRS URI.
    """
    return normalise_crs_uri(request.headers.get("content-crs", "").strip("<> ") or CRS84, param="Content-Crs")


def features_in_storage_crs(doc: Any, request: Request, *, where: str) -> Any:
    """A GeoJSON Feature or FeatureCollection in the request's ``Content-Crs`` as a frame in EPSG:25832.

    Parameters
    ----------
    doc : dict
        The GeoJSON document.
    request : Request
        The request (its ``Content-Crs`` header).
    where : str
        What the features are, for error messages.

    Returns
    -------
    GeoDataFrame
        One row per feature; missing geometries stay None.
    """
    crs_uri = content_crs(request)
    frame = features_to_frame(doc, crs=None, where=where)
    geoms = np.array(list(frame.geometry), dtype=object)
    present = np.array([g is not None for g in geoms], dtype=bool)
    if present.any():
        geoms[present] = transform_geometries(geoms[present], crs_uri, STORAGE_CRS_URI)
    return frame.set_geometry(list(geoms), crs=STORAGE_CRS)
