"""Import mappings: how the columns and values of a municipal file become landreg plot fields.

A mapping is a TOML file (see ``landreg/io/mappings/`` for the built-in ones)::

    [mapping]
    name = "kommune-no"
    description = "Norwegian attribute names and values"
    extends = ["sosi-arealformal"]        # other mappings merged in first (optional)
    required = ["kommunenummer"]          # source columns that must be in the file (optional)
    sources = ["https://…"]               # where the codes come from (optional)

    [columns]                             # source column -> landreg field(s)
    kommunenummer = "municipality_no"
    pris = ["price_min_nok_m2", "price_max_nok_m2"]

    [values.zoning]                       # source value -> landreg value, per field
    industri = "industry"

    [units]                               # unit of a numeric source column
    pris = "NOK/daa"

    [templates]                           # a field built from several source columns
    code = "{kommunenummer}-{gnr}-{bnr}"

    [defaults]                            # a field's value when the file gives none
    price_basis = "raw"

Column names and values are matched without regard to case or repeated blanks.
A Shapefile column cut to 10 characters (the dBase limit) matches the mapping
column it is the start of.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from landreg.errors import MappingError
from landreg.model.enums import OwnerType, PlanStatus, PlotStatus, PriceBasis, Readiness, Zoning
from landreg.model.plot import INPUT_FIELDS

#: Fields with a controlled vocabulary: a source value must map to one of these.
VOCABULARIES: dict[str, tuple[str, ...]] = {
    "zoning": tuple(z.value for z in Zoning),
    "status": tuple(s.value for s in PlotStatus),
    "plan_status": tuple(s.value for s in PlanStatus),
    "owner_type": tuple(o.value for o in OwnerType),
    "price_basis": tuple(p.value for p in PriceBasis),
    "readiness": tuple(r.value for r in Readiness),
    "requires_new_road": ("true", "false"),
    "connection_fees_included": ("true", "false"),
}

#: Price units a source column may be in, and the factor to NOK per m².
UNITS_TO_NOK_M2: dict[str, float] = {"NOK/m2": 1.0, "NOK/m²": 1.0, "NOK/daa": 1 / 1_000, "NOK/ha": 1 / 10_000}

_SECTIONS = {"mapping", "columns", "values", "units", "templates", "defaults"}
_HEADER_KEYS = {"name", "description", "extends", "required", "sources"}
TEMPLATE_FIELD = re.compile(r"\{([^{}]+)\}")


def normalise_name(text: Any) -> str:
    """A column name or value as the mapping matches it: trimmed, case-folded, single blanks."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class ImportMapping:
    """A parsed, checked import mapping (keys normalised with :func:`normalise_name`)."""

    name: str
    description: str = ""
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    templates: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    def template_columns(self, field_name: str) -> list[str]:
        """The source columns a template names, normalised, in order."""
        return [normalise_name(c) for c in TEMPLATE_FIELD.findall(self.templates[field_name])]


def builtin_mapping_names() -> list[str]:
    """Names of the mappings shipped with landreg."""
    folder = resources.files("landreg.io") / "mappings"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def _read_toml(name_or_path: str | Path) -> tuple[dict[str, Any], str]:
    path = Path(name_or_path)
    if path.suffix.lower() == ".toml" or path.exists():
        if not path.exists():
            raise MappingError(f"no mapping file {path}; give a TOML file or one of {builtin_mapping_names()}")
        text, where = path.read_text(encoding="utf-8"), path.name
    else:
        names = builtin_mapping_names()
        if str(name_or_path) not in names:
            raise MappingError(f"unknown mapping {str(name_or_path)!r}; expected a TOML file or one of {names}")
        text = (resources.files("landreg.io") / "mappings" / f"{name_or_path}.toml").read_text(encoding="utf-8")
        where = f"{name_or_path}.toml"
    try:
        return tomllib.loads(text), where
    except tomllib.TOMLDecodeError as exc:
        raise MappingError(f"{where}: not valid TOML ({exc})") from None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def _raw_mapping(name_or_path: str | Path, seen: tuple[str, ...] = ()) -> tuple[dict[str, Any], str]:
    data, where = _read_toml(name_or_path)
    if where in seen:
        raise MappingError(f"{where}: 'extends' loops back to itself ({' -> '.join((*seen, where))})")
    header = data.get("mapping", {})
    extends = header.get("extends", [])
    if not isinstance(extends, list):
        raise MappingError(f"{where}: [mapping] extends must be a list of mapping names, got {extends!r}")
    merged: dict[str, Any] = {}
    base_dir = Path(name_or_path).parent if Path(name_or_path).exists() else None
    for parent in extends:
        target: str | Path = parent
        if base_dir is not None and (base_dir / str(parent)).exists():
            target = base_dir / str(parent)
        parent_data, _ = _raw_mapping(target, (*seen, where))
        parent_data.pop("mapping", None)
        merged = _merge(merged, parent_data)
    return _merge(merged, data), where


def load_mapping(name_or_path: str | Path) -> ImportMapping:
    """Read and check a mapping: a built-in name (see :func:`builtin_mapping_names`) or a TOML file.

    Parameters
    ----------
    name_or_path : str or Path
        A built-in mapping name or the path of a TOML mapping file.

    Returns
    -------
    ImportMapping

    Raises
    ------
    MappingError
        Naming every unknown section, key, landreg field, value or unit found.
    """
    data, where = _raw_mapping(name_or_path)
    errors: list[str] = []
    for section in sorted(set(data) - _SECTIONS):
        errors.append(f"unknown section [{section}]; expected one of {sorted(_SECTIONS)}")
    header = data.get("mapping", {})
    for key in sorted(set(header) - _HEADER_KEYS):
        errors.append(f"unknown key {key!r} in [mapping]; expected one of {sorted(_HEADER_KEYS)}")
    columns = _parse_columns(data.get("columns", {}), errors)
    values = _parse_values(data.get("values", {}), errors)
    units = _parse_units(data.get("units", {}), errors)
    templates = {str(k): str(v) for k, v in data.get("templates", {}).items()}
    for field_name in templates:
        _check_field(field_name, f"[templates] {field_name!r}", errors)
    defaults = dict(data.get("defaults", {}))
    for field_name in defaults:
        _check_field(field_name, f"[defaults] {field_name!r}", errors)
    if errors:
        raise MappingError(f"mapping {where}: " + "; ".join(errors))
    return ImportMapping(
        name=str(header.get("name") or Path(where).stem),
        description=str(header.get("description", "")),
        columns=columns,
        values=values,
        units=units,
        templates=templates,
        defaults=defaults,
        required=tuple(normalise_name(c) for c in header.get("required", [])),
        sources=tuple(str(s) for s in header.get("sources", [])),
    )


def _check_field(name: str, where_key: str, errors: list[str]) -> None:
    """Add an error when ``name`` is not a landreg plot field."""
    if name not in INPUT_FIELDS:
        errors.append(f"{where_key}: unknown landreg field {name!r}; expected one of {sorted(set(INPUT_FIELDS))}")


def _parse_columns(table: dict[str, Any], errors: list[str]) -> dict[str, tuple[str, ...]]:
    """The ``[columns]`` section: source column -> landreg field(s), keyed by normalised source name."""
    columns: dict[str, tuple[str, ...]] = {}
    for source, target in table.items():
        targets = (target,) if isinstance(target, str) else tuple(target) if isinstance(target, list) else None
        if targets is None or not targets or not all(isinstance(t, str) for t in targets):
            errors.append(f"[columns] {source!r}: expected a field name or a list of them, got {target!r}")
            continue
        for t in targets:
            _check_field(t, f"[columns] {source!r}", errors)
        columns[normalise_name(source)] = targets
    return columns


def _parse_values(tables: dict[str, Any], errors: list[str]) -> dict[str, dict[str, str]]:
    """The ``[values.<field>]`` sections: source value -> landreg value, checked against the field's vocabulary."""
    values: dict[str, dict[str, str]] = {}
    for field_name, table in tables.items():
        _check_field(field_name, f"[values.{field_name}]", errors)
        if not isinstance(table, dict):
            errors.append(f"[values] {field_name!r}: expected a table of source value = landreg value")
            continue
        allowed = VOCABULARIES.get(field_name)
        for src, dst in table.items():
            shown = str(dst).lower() if isinstance(dst, bool) else str(dst)
            if allowed is not None and shown not in allowed:
                errors.append(f"[values.{field_name}] {src!r} = {dst!r}: expected one of {list(allowed)}")
            values.setdefault(field_name, {})[normalise_name(src)] = shown
    return values


def _parse_units(table: dict[str, Any], errors: list[str]) -> dict[str, str]:
    """The ``[units]`` section: source column -> price unit."""
    units: dict[str, str] = {}
    for source, unit in table.items():
        if unit not in UNITS_TO_NOK_M2:
            errors.append(f"[units] {source!r} = {unit!r}: unknown unit; expected one of {list(UNITS_TO_NOK_M2)}")
        units[normalise_name(source)] = str(unit)
    return units
