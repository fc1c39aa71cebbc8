"""OGC API – Tiles: vector tiles (Mapbox Vector Tile) of plots and business areas on WebMercatorQuad.

Tiles are read from the registry on request (through its spatial index) and kept in a cache
until an edit reaches them; a tile with no feature answers 204.
"""

from __future__ import annotations

import hashlib
from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.collections import Collection
from api.deps import get_registry, settings_dep
from api.features import json_response
from api.params import collection_param
from api.settings import ApiSettings
from landreg.registry.base import FeatureSource
from landreg.tiles import (
    COUNT_PROPERTY,
    TILE_LAYERS,
    TILE_MATRIX_SET_ID,
    TileCache,
    TileSource,
    check_tile_matrix_set,
    generalisation_note,
    render_tile,
    tile_layer,
    tile_matrix_set_document,
)

router = APIRouter(tags=["OGC API – Tiles"])

MVT = "application/vnd.mapbox-vector-tile"
TILES_CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
]
TMS_URI = f"http://www.opengis.net/def/tilematrixset/OGC/1.0/{TILE_MATRIX_SET_ID}"
TILING_SCHEME_REL = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
VECTOR_TILESETS_REL = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
_JSON_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A malformed tile matrix, row or column"},
    404: {"description": "No such collection, tile matrix set, tile matrix, row or column"},
}


def _root(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def get_tile_cache(request: Request) -> TileCache:
    """The service's tile cache (one per app, created on first use)."""
    cache = getattr(request.app.state, "tile_cache", None)
    if cache is None:
        cache = request.app.state.tile_cache = TileCache()
    return cache


def tiled_collection(coll: Collection = Depends(collection_param)) -> Collection:
    """The collection named in the path, if it has vector tiles (404 otherwise)."""
    tile_layer(coll.id)
    return coll


def tileset_links(root: str, collection_id: str) -> list[dict[str, Any]]:
    """Links from a collection document to its vector tilesets."""
    return [
        {
            "rel": VECTOR_TILESETS_REL,
            "type": "application/json",
            "href": f"{root}/collections/{collection_id}/tiles",
            "title": "Vector tilesets",
        }
    ]


def _tileset_summary(root: str, coll: Collection) -> dict[str, Any]:
    return {
        "title": f"{coll.title} ({TILE_MATRIX_SET_ID})",
        "dataType": "vector",
        "crs": "http://www.opengis.net/def/crs/EPSG/0/3857",
        "tileMatrixSetURI": TMS_URI,
        "links": [
            {
                "rel": "self",
                "type": "application/json",
                "href": f"{root}/collections/{coll.id}/tiles/{TILE_MATRIX_SET_ID}",
            },
            {
                "rel": TILING_SCHEME_REL,
                "type": "application/json",
                "href": f"{root}/tileMatrixSets/{TILE_MATRIX_SET_ID}",
            },
        ],
    }


@router.get("/tileMatrixSets", summary="Tile matrix sets")
def tile_matrix_sets(request: Request) -> Response:
    """The tile matrix sets of the served tiles (WebMercatorQuad)."""
    root = _root(request)
    body = {
        "tileMatrixSets": [
            {
                "id": TILE_MATRIX_SET_ID,
                "title": "Google Maps Compatible for the World",
                "uri": TMS_URI,
                "links": [
                    {"rel": "self", "type": "application/json", "href": f"{root}/tileMatrixSets/{TILE_MATRIX_SET_ID}"}
                ],
            }
        ],
        "links": [{"rel": "self", "type": "application/json", "href": f"{root}/tileMatrixSets"}],
    }
    return json_response(body)


@router.get("/tileMatrixSets/{tile_matrix_set_id}", summary="One tile matrix set", responses=_JSON_ERRORS)
def tile_matrix_set(tile_matrix_set_id: str) -> Response:
    """The definition of a tile matrix set (OGC Two Dimensional Tile Matrix Set 2.0, JSON); 404 when unknown."""
    check_tile_matrix_set(tile_matrix_set_id)
    return json_response(tile_matrix_set_document())


@router.get("/collections/{collection_id}/tiles", summary="Vector tilesets of a collection", responses=_JSON_ERRORS)
def collection_tilesets(request: Request, coll: Collection = Depends(tiled_collection)) -> Response:
    """The vector tilesets of a collection (one: WebMercatorQuad); 404 for a collection without tiles."""
    root = _root(request)
    body = {
        "tilesets": [_tileset_summary(root, coll)],
        "links": [{"rel": "self", "type": "application/json", "href": f"{root}/collections/{coll.id}/tiles"}],
    }
    return json_response(body)


@router.get(
    "/collections/{collection_id}/tiles/{tile_matrix_set_id}",
    summary="Tileset metadata of a collection",
    responses=_JSON_ERRORS,
)
def collection_tileset(
    request: Request, tile_matrix_set_id: str, coll: Collection = Depends(tiled_collection)
) -> Response:
    """The tileset metadata: tile matrix set, tile URL template and the layer with its properties."""
    check_tile_matrix_set(tile_matrix_set_id)
    root = _root(request)
    layer = TILE_LAYERS[coll.id]
    body = _tileset_summary(root, coll)
    body["links"].append(
        {
            "rel": "item",
            "type": MVT,
            "href": f"{root}/collections/{coll.id}/tiles/{TILE_MATRIX_SET_ID}/{{tileMatrix}}/{{tileRow}}/{{tileCol}}",
            "templated": True,
            "title": "Mapbox vector tile",
        }
    )
    properties: dict[str, Any] = {name: {"title": name} for name in layer.all_properties}
    if layer.id == "plots":
        properties[COUNT_PROPERTY] = {
            "title": COUNT_PROPERTY,
            "type": "integer",
            "description": "Live plots in the grid cell (only on aggregated tiles, which carry no other property)",
        }
    note = generalisation_note(coll.id)
    body["description"] = note
    body["layers"] = [
        {
            "id": layer.id,
            "title": layer.title,
            "description": note,
            "dataType": "vector",
            "propertiesSchema": {"type": "object", "properties": properties},
        }
    ]
    return json_response(body)


@router.get(
    "/collections/{collection_id}/tiles/{tile_matrix_set_id}/{tile_matrix}/{tile_row}/{tile_col}",
    summary="A vector tile of a collection",
    response_class=Response,
    responses={
        200: {"content": {MVT: {"schema": {"type": "string", "format": "binary"}}}, "description": "The tile"},
        204: {"description": "The tile holds no feature"},
        **_JSON_ERRORS,
    },
)
def collection_tile(
    tile_matrix_set_id: str,
    tile_matrix: int = Path(..., ge=0, description="Zoom level (tile matrix id), 0 to 24"),
    tile_row: int = Path(..., ge=0, description="Row, 0 at the top"),
    tile_col: int = Path(..., ge=0, description="Column, 0 at the left"),
    coll: Collection = Depends(tiled_collection),
    registry: TileSource = Depends(get_registry),
    cache: TileCache = Depends(get_tile_cache),
) -> Response:
    """One Mapbox Vector Tile (a layer named after the collection), read from the registry as it is now.

    Plots carry code, status, zoning, readiness, area (m² and decares) and asking price with its
    price class; business areas their id, name and type.  Geometry is simplified for the zoom level;
    plots under a pixel are points, and a tile over the feature budget carries plot counts per grid
    cell (the tileset metadata describes both).  Concurrent requests for one tile compute it once.
    204 when the tile holds no feature; 404 for a tile outside the tile matrix set.
    """
    check_tile_matrix_set(tile_matrix_set_id)
    tile = render_tile(registry, coll.id, z=tile_matrix, x=tile_col, y=tile_row, cache=cache)
    if not tile:
        return Response(status_code=204)
    etag = '"' + hashlib.blake2b(tile, digest_size=12).hexdigest() + '"'
    return Response(tile, media_type=MVT, headers={"ETag": etag, "Cache-Control": "no-cache"})


@router.get(
    "/maps/plots-tiled",
    summary="Map: plots and business areas drawn from vector tiles",
    tags=["Maps"],
    response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {}}}},
)
def tiled_plots_map(
    registry: FeatureSource = Depends(get_registry),
    settings: ApiSettings = Depends(settings_dep),
    lang: Literal["nb", "en"] = Query("nb", description="Language of the map's texts: bokmål (nb) or English (en)"),
) -> HTMLResponse:
    """The plot map drawn from this service's vector tiles (plots by status, business areas) on the offline base
    map; a click on a plot fetches its details.  ``/maps/plots`` answers with this map when the registry is large."""
    return tiled_map_response(registry, layers_dir=settings.layers_dir, lang=lang)


def tiled_map_response(registry: FeatureSource, *, layers_dir: Any = None, lang: str = "nb") -> HTMLResponse:
    """The vector-tile plot map of ``registry`` as an HTML response (base map from ``layers_dir`` when given)."""
    from maps.assets import SERVED_PREFIX
    from maps.basemap import LIGHT_BASE_LAYERS
    from maps.sources import load_map_context
    from maps.tiled import build_tiled_plot_map, plot_bounds_lonlat

    context = None
    if layers_dir is not None:
        context = load_map_context(layers_dir=layers_dir, registry=registry, layer_ids=LIGHT_BASE_LAYERS)
    m = build_tiled_plot_map(plot_bounds_lonlat(registry), assets=SERVED_PREFIX, context=context, lang=lang)
    return HTMLResponse(m.get_root().render(), headers={"Cache-Control": "no-cache"})
