"""The regional layers: the ``layers.toml`` manifest, loading, checks and building a registry from them."""

from __future__ import annotations

from landreg.layers.build import BuildSummary, CreatedRegistry, build_registry_from_layers, create_registry_from_layers
from landreg.layers.check import check_layers
from landreg.layers.load import list_layers, load_layer
from landreg.layers.manifest import LayerSpec, Manifest, load_manifest
from landreg.layers.speeds import ROAD_SPEEDS_KMH, road_speed_kmh

__all__ = [
    "ROAD_SPEEDS_KMH",
    "BuildSummary",
    "CreatedRegistry",
    "LayerSpec",
    "Manifest",
    "build_registry_from_layers",
    "check_layers",
    "create_registry_from_layers",
    "list_layers",
    "load_layer",
    "load_manifest",
    "road_speed_kmh",
]
