"""The published JSON Schema of a plot, generated from the model."""

from __future__ import annotations

from typing import Any

from landreg.model.plot import Plot

SCHEMA_ID = "https://landreg.example/schemas/plot.schema.json"


def plot_json_schema() -> dict[str, Any]:
    """JSON Schema (2020-12) of a plot as a GeoJSON Feature.

    The ``properties`` are the :class:`~landreg.model.Plot` attributes; the
    geometry is a GeoJSON Polygon or MultiPolygon.

    Returns
    -------
    dict
        The schema, ready for ``json.dump``.
    """
    props = Plot.model_json_schema(mode="serialization")
    defs = props.pop("$defs", {})
    props.pop("title", None)
    geometry = Plot.model_json_schema(mode="validation")["properties"]["geometry"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "landreg plot",
        "description": (
            "A plot of business land (tomt) as a GeoJSON Feature. Areas in m² "
            "(area_m2, computed from the geometry in EPSG:25832); prices in NOK per m²."
        ),
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
            "geometry": geometry,
            "properties": props,
        },
        "$defs": defs,
    }
