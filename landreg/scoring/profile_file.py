"""Custom weight profiles: a TOML file (or its JSON form) with the layout of ``profiles.toml``, validated.

A custom file may hold only ``[profiles.<name>]`` tables: the criteria, the
``[derived]`` values and the ``version`` of the built-in ``profiles.toml`` are used
for what it leaves out, and its profiles are added to the built-in ones (a profile
with a built-in name replaces it).  Every problem is reported at once, each naming
the file and the dotted field (``profiles.my_logistics.weights.size``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from landreg.errors import Problem, ValidationError
from landreg.scoring.profiles import PROFILES_FILE, Criterion, Limit, load_definitions

_TOP_KEYS = ("version", "criteria", "derived", "profiles")


class _ProfileSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: str = ""
    weights: dict[str, float]
    criteria: dict[str, dict[str, Any]] = Field(default_factory=dict)
    limits: dict[str, Limit] = Field(default_factory=dict)
    industry_nace: list[str] = Field(default_factory=list)


class _Derived(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unchecked_hazard: float = Field(default=0.7, ge=0, le=1)


def _problem(where: str, field: str, message: str) -> Problem:
    return Problem(where, field, message, whole_input=True)


def _problems(exc: pydantic.ValidationError, where: str, prefix: str) -> list[Problem]:
    return [
        _problem(where, ".".join([prefix, *map(str, err["loc"])]), err["msg"].removeprefix("Value error, "))
        for err in exc.errors()
    ]


def check_profile_definitions(data: Mapping[str, Any], *, where: str) -> dict[str, Any]:
    """Validate custom profile definitions and merge them over the built-in ones.

    Parameters
    ----------
    data : mapping
        The parsed file (TOML tables as dicts): ``profiles`` and optionally
        ``version``, ``criteria``, ``derived``.
    where : str
        The file name (or ``"request body"``), used in every problem.

    Returns
    -------
    dict
        Definitions with the layout of ``profiles.toml`` (for :func:`~landreg.scoring.load_profile`).

    Raises
    ------
    ValidationError
        Listing every problem, each with the dotted field.
    """
    builtin = load_definitions(PROFILES_FILE)
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise ValidationError([_problem(where, "(file)", "expected a table of profiles")], context=where)
    for key in sorted(set(data) - set(_TOP_KEYS)):
        problems.append(_problem(where, key, f"unknown table; expected some of {list(_TOP_KEYS)}"))
    profiles = data.get("profiles")
    if not isinstance(profiles, Mapping) or not profiles:
        problems.append(_problem(where, "profiles", "expected at least one [profiles.<name>] table with weights"))
        profiles = {}
    version = data.get("version", f"{builtin['version']}+custom")
    if not isinstance(version, str | int | float):
        problems.append(_problem(where, "version", f"expected a string, got {type(version).__name__}"))
    criteria = _merge_criteria(builtin["criteria"], data.get("criteria", {}), where=where, problems=problems)
    derived = data.get("derived", builtin.get("derived", {}))
    try:
        _Derived.model_validate(derived)
    except pydantic.ValidationError as exc:
        problems += _problems(exc, where, "derived")
    out_profiles = {**builtin["profiles"]}
    for name, spec in profiles.items():
        if _check_profile(name, spec, criteria=criteria, where=where, problems=problems):
            out_profiles[name] = dict(spec)
    if problems:
        raise ValidationError(problems, context=f"scoring profiles {where}", wrote_nothing=False)
    return {"version": str(version), "criteria": criteria, "derived": derived, "profiles": out_profiles}


def _merge_criteria(builtin: Mapping[str, Any], custom: Any, *, where: str, problems: list[Problem]) -> dict[str, Any]:
    """Built-in criteria with each valid custom ``[criteria.<name>]`` table merged over its namesake."""
    criteria = {**builtin}
    if not isinstance(custom, Mapping):
        problems.append(_problem(where, "criteria", "expected [criteria.<name>] tables"))
        custom = {}
    for name, spec in custom.items():
        if not isinstance(spec, Mapping):
            problems.append(_problem(where, f"criteria.{name}", "expected a table"))
            continue
        merged = {**criteria.get(name, {}), **spec}
        try:
            Criterion(name=name, **merged)
        except pydantic.ValidationError as exc:
            problems += _problems(exc, where, f"criteria.{name}")
            continue
        except TypeError as exc:
            problems.append(_problem(where, f"criteria.{name}", str(exc)))
            continue
        criteria[name] = merged
    return criteria


def _check_profile(name: str, spec: Any, *, criteria: Mapping[str, Any], where: str, problems: list[Problem]) -> bool:
    """Check one ``[profiles.<name>]`` table against the known criteria; False when it cannot be used."""
    field = f"profiles.{name}"
    if not isinstance(spec, Mapping):
        problems.append(_problem(where, field, "expected a table with weights"))
        return False
    try:
        parsed = _ProfileSpec.model_validate(spec)
    except pydantic.ValidationError as exc:
        problems += _problems(exc, where, field)
        return False
    for crit in parsed.weights:
        if crit not in criteria:
            problems.append(
                _problem(where, f"{field}.weights.{crit}", f"unknown criterion; expected one of {sorted(criteria)}")
            )
    for crit, w in parsed.weights.items():
        if not w >= 0:
            problems.append(_problem(where, f"{field}.weights.{crit}", f"must be >= 0, got {w}"))
    if parsed.weights and sum(parsed.weights.values()) <= 0:
        problems.append(_problem(where, f"{field}.weights", "the weights sum to 0; expected at least one > 0"))
    for crit in parsed.criteria:
        if crit not in criteria:
            problems.append(_problem(where, f"{field}.criteria.{crit}", "unknown criterion"))
    return True


def read_profiles_file(path: str | Path) -> dict[str, Any]:
    """Read and validate a custom profiles TOML file (see the module docstring).

    Raises
    ------
    FileNotFoundError
    ValidationError
        When the file is not TOML or a field is wrong; each problem names the field.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such profiles file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError(
            [_problem(path.name, "(file)", f"not valid TOML: {exc}")], context="scoring profiles", wrote_nothing=False
        ) from exc
    return check_profile_definitions(data, where=path.name)


def definitions_fingerprint(definitions: Mapping[str, Any]) -> str:
    """sha256 (16 hex digits) of validated definitions, e.g. to cache by content."""
    return hashlib.sha256(json.dumps(definitions, sort_keys=True, default=str).encode()).hexdigest()[:16]
