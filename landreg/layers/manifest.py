"""The layer manifest ``layers.toml``: which files hold which layers, and where they came from.

Each ``[[layer]]`` table names one layer::

    [[layer]]
    id = "municipalities"          # unique, lower case
    file = "kartverket.gpkg"        # relative to the manifest's folder, or absolute
    layer = "municipalities"       # layer inside a GeoPackage (omit for single-layer files)
    crs = "EPSG:25832"             # required for vector and raster layers
    kind = "vector"                # vector | raster | table (attribute table, no geometry)
    role = "boundary"              # what the layer is used for
    source = "Kartverket, …"
    license = "CC BY 4.0"
    attribution = "© Kartverket"
    synthetic = false              # true for generated demonstration data
    description = "…"

Replacing a synthetic layer by real data means pointing ``file`` (and ``layer``)
at the real file and setting ``synthetic = false`` with its source and licence.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from landreg.errors import ConfigurationError

MANIFEST_NAME = "layers.toml"
KINDS: frozenset[str] = frozenset({"vector", "raster", "table"})
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_REQUIRED_TEXT = ("id", "file", "kind", "role", "source", "license", "attribution", "description")


@dataclass(frozen=True)
class LayerSpec:
    """One layer named in the manifest.

    Attributes
    ----------
    id : str
        Unique id used by :func:`landreg.layers.load_layer`.
    file : str
        File name as written in the manifest.
    path : Path
        The file, resolved against the manifest's folder.
    layer : str or None
        Layer inside a multi-layer file (GeoPackage).
    crs : str or None
        Declared CRS, e.g. ``"EPSG:25832"``; None for attribute tables.
    kind, role, source, license, attribution, description : str
    synthetic : bool
        True for generated (not real) data.
    """

    id: str
    file: str
    path: Path
    layer: str | None
    crs: str | None
    kind: str
    role: str
    source: str
    license: str
    attribution: str
    synthetic: bool
    description: str

    @property
    def credits(self) -> tuple[str, ...]:
        """The copyright notices of ``attribution``: its ``;``-separated parts that start with ``©``.

        What must be credited wherever the layer is shown, also when the layer is synthetic
        but holds some real features (business areas with OpenStreetMap outlines).
        """
        return tuple(part.strip() for part in self.attribution.split(";") if part.strip().startswith("©"))


@dataclass(frozen=True)
class Manifest:
    """The parsed ``layers.toml``.

    Attributes
    ----------
    path : Path
        The manifest file.
    layers : tuple of LayerSpec
        In manifest order.
    meta : dict
        The optional ``[manifest]`` table (title, attributions, notes).
    """

    path: Path
    layers: tuple[LayerSpec, ...]
    meta: dict[str, Any]

    @property
    def layers_dir(self) -> Path:
        """The folder the manifest lies in."""
        return self.path.parent

    def get(self, layer_id: str) -> LayerSpec:
        """The layer with this id.

        Raises
        ------
        ConfigurationError
            When no layer has the id.
        """
        for spec in self.layers:
            if spec.id == layer_id:
                return spec
        known = ", ".join(s.id for s in self.layers)
        raise ConfigurationError(f"{self.path}: no layer with id {layer_id!r}; the manifest has: {known}")

    def by_role(self, role: str) -> list[LayerSpec]:
        """Every layer with this role, in manifest order."""
        return [s for s in self.layers if s.role == role]


def manifest_path(layers_dir: str | Path) -> Path:
    """The manifest file for a layers folder (or the file itself when given)."""
    path = Path(layers_dir).expanduser()
    return path if path.suffix == ".toml" else path / MANIFEST_NAME


def _field_error(path: Path, label: str, field: str, message: str) -> ConfigurationError:
    return ConfigurationError(f"{path}: layer {label}: field {field!r}: {message}")


def _parse_layer(raw: Any, index: int, path: Path) -> LayerSpec:
    label = f"#{index + 1}"
    if not isinstance(raw, dict):
        raise ConfigurationError(f"{path}: layer {label}: expected a [[layer]] table, got {type(raw).__name__}")
    if isinstance(raw.get("id"), str):
        label = repr(raw["id"])
    known = set(_REQUIRED_TEXT) | {"layer", "crs", "synthetic"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise _field_error(path, label, unknown[0], f"unknown field; expected only {sorted(known)}")
    for name in _REQUIRED_TEXT:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise _field_error(path, label, name, f"expected a non-empty string, got {value!r}")
    if not _ID.match(raw["id"]):
        raise _field_error(path, label, "id", f"expected lower-case letters, digits and '_', got {raw['id']!r}")
    kind = raw["kind"]
    if kind not in KINDS:
        raise _field_error(path, label, "kind", f"expected one of {sorted(KINDS)}, got {kind!r}")
    synthetic = raw.get("synthetic")
    if not isinstance(synthetic, bool):
        raise _field_error(path, label, "synthetic", f"expected true or false, got {synthetic!r}")
    crs = _parse_crs(raw.get("crs"), kind=kind, path=path, label=label)
    file_path, layer = _parse_source(raw, path=path, label=label)
    return LayerSpec(
        id=raw["id"],
        file=raw["file"],
        path=file_path,
        layer=layer,
        crs=crs,
        kind=kind,
        role=raw["role"],
        source=raw["source"],
        license=raw["license"],
        attribution=raw["attribution"],
        synthetic=synthetic,
        description=raw["description"],
    )


def _parse_crs(crs: Any, *, kind: str, path: Path, label: str) -> str | None:
    """The layer's declared CRS: none for an attribute table, required text for any other kind."""
    if kind == "table":
        if crs is not None:
            raise _field_error(path, label, "crs", f"an attribute table has no CRS; remove it (got {crs!r})")
    elif not isinstance(crs, str) or not crs.strip():
        raise _field_error(path, label, "crs", f"a {kind} layer needs a CRS such as 'EPSG:25832', got {crs!r}")
    return crs


def _parse_source(raw: dict[str, Any], *, path: Path, label: str) -> tuple[Path, str | None]:
    """The data file (relative to the manifest's folder) and the layer name inside it."""
    layer = raw.get("layer")
    if layer is not None and (not isinstance(layer, str) or not layer.strip()):
        raise _field_error(path, label, "layer", f"expected a non-empty string, got {layer!r}")
    file_path = Path(raw["file"]).expanduser()
    if not file_path.is_absolute():
        file_path = path.parent / file_path
    if layer is None and file_path.suffix.lower() == ".gpkg":
        raise _field_error(path, label, "layer", f"a GeoPackage layer needs the layer name inside {raw['file']!r}")
    return file_path, layer


def load_manifest(layers_dir: str | Path) -> Manifest:
    """Read and check ``layers.toml``.

    Parameters
    ----------
    layers_dir : str or Path
        The layers folder, or the manifest file itself.

    Returns
    -------
    Manifest

    Raises
    ------
    ConfigurationError
        When the file is missing, is not TOML, or a layer entry is malformed;
        the message names the layer and the field.
    """
    path = manifest_path(layers_dir)
    if not path.is_file():
        raise ConfigurationError(f"no layer manifest at {path}; expected a {MANIFEST_NAME} in the layers folder")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{path}: not valid TOML ({exc})") from exc
    raw_layers = data.get("layer")
    if not isinstance(raw_layers, list) or not raw_layers:
        raise ConfigurationError(f"{path}: expected one or more [[layer]] tables, found none")
    specs = [_parse_layer(raw, i, path) for i, raw in enumerate(raw_layers)]
    seen: set[str] = set()
    for spec in specs:
        if spec.id in seen:
            raise _field_error(path, repr(spec.id), "id", "duplicate id; every layer id must be unique")
        seen.add(spec.id)
    meta = data.get("manifest", {})
    if not isinstance(meta, dict):
        raise ConfigurationError(f"{path}: [manifest] must be a table, got {type(meta).__name__}")
    return Manifest(path=path, layers=tuple(specs), meta=meta)
