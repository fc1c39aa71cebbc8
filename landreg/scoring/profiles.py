"""Scoring criteria and named weight profiles, defined in data (``profiles.toml``) and versioned.

A :class:`ScoringProfile` is everything a score depends on: the criteria (column,
transform, anchors), the weights, the hard limits and the version of the
definitions.  Its :meth:`~ScoringProfile.fingerprint` identifies it, so a stored
score can be reproduced exactly.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from landreg.scoring.errors import InvalidWeightsError, UnknownProfileError

PROFILES_FILE = Path(__file__).with_name("profiles.toml")
Transform = Literal["positive", "inverse", "ideal"]


class Criterion(BaseModel):
    """One criterion: a raw column and its transform onto 0..1.

    Attributes
    ----------
    name, label, column, unit : str
    transform : {"positive", "inverse", "ideal"}
        ``positive``: ``lo`` -> 0, ``hi`` -> 1; ``inverse``: ``lo`` -> 1, ``hi`` -> 0 (both clipped);
        ``ideal``: 1 at ``ideal``, 0 at ``ideal ± tolerance``.
    lo, hi, ideal, tolerance : float or None
    missing : float
        Value (0..1) given when the raw value is unknown.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    label: str
    column: str
    unit: str = ""
    transform: Transform
    lo: float | None = None
    hi: float | None = None
    ideal: float | None = None
    tolerance: float | None = None
    missing: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _anchors(self) -> Criterion:
        if self.transform == "ideal":
            if self.ideal is None or not self.tolerance or self.tolerance <= 0:
                raise ValueError(f"criterion {self.name!r}: 'ideal' needs ideal and tolerance > 0")
        elif self.lo is None or self.hi is None or self.hi <= self.lo:
            raise ValueError(f"criterion {self.name!r}: {self.transform!r} needs lo < hi, got {self.lo}, {self.hi}")
        return self


class Limit(BaseModel):
    """A hard limit on a raw column: plots outside ``[min, max]`` are excluded with the reason."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min: float | None = None
    max: float | None = None
    allow_missing: bool = Field(default=False, description="Keep plots whose value is unknown")


class ScoringProfile(BaseModel):
    """Weights, limits and criteria of one scoring profile.

    Attributes
    ----------
    name, description, version : str
    weights : dict
        Criterion name -> weight (any positive scale; normalised to sum 1 when scoring).
    criteria : dict
        Criterion name -> :class:`Criterion` (all criteria, weighted or not).
    limits : dict
        Raw column -> :class:`Limit`.
    industry_nace : list of str
        NACE prefixes of the firms the profile stands for (for the synergy criterion).
    unchecked_hazard : float
        Hazard value of a plot where a hazard was not mapped.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    description: str = ""
    version: str
    weights: dict[str, float]
    criteria: dict[str, Criterion]
    limits: dict[str, Limit] = Field(default_factory=dict)
    industry_nace: list[str] = Field(default_factory=list)
    unchecked_hazard: float = 0.7

    @model_validator(mode="after")
    def _check_weights(self) -> ScoringProfile:
        unknown = sorted(set(self.weights) - set(self.criteria))
        if unknown:
            raise InvalidWeightsError(
                f"profile {self.name!r}: unknown criteria {unknown}; expected some of {sorted(self.criteria)}"
            )
        bad = {k: v for k, v in self.weights.items() if not v >= 0}
        if bad:
            raise InvalidWeightsError(f"profile {self.name!r}: weights must be >= 0, got {bad}")
        if sum(self.weights.values()) <= 0:
            raise InvalidWeightsError(f"profile {self.name!r}: the weights sum to 0; expected at least one > 0")
        return self

    @property
    def active(self) -> list[str]:
        """Criteria with a weight > 0, in the order of :attr:`criteria`."""
        return [c for c in self.criteria if self.weights.get(c, 0) > 0]

    def normalised_weights(self) -> dict[str, float]:
        """Active weights scaled to sum 1."""
        total = sum(self.weights[c] for c in self.active)
        return {c: self.weights[c] / total for c in self.active}

    def with_weights(self, weights: Mapping[str, float], *, replace: bool = False) -> ScoringProfile:
        """A copy with user weights (updating the profile's, or replacing them when ``replace``).

        Raises
        ------
        InvalidWeightsError
        """
        merged = dict(weights) if replace else {**self.weights, **dict(weights)}
        name = self.name if not weights else f"{self.name}+user"
        try:
            return ScoringProfile.model_validate({**self.model_dump(), "weights": merged, "name": name})
        except ValidationError as exc:
            raise InvalidWeightsError("; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())) from exc

    def with_limits(self, limits: Mapping[str, Limit]) -> ScoringProfile:
        """A copy with extra hard limits (on raw columns)."""
        return self.model_copy(update={"limits": {**self.limits, **dict(limits)}})

    def fingerprint(self) -> str:
        """sha256 of everything the score depends on (first 16 hex digits)."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def record(self) -> dict[str, object]:
        """What a score must carry to be reproduced: name, version, weights, limits, fingerprint."""
        return {
            "profile": self.name,
            "version": self.version,
            "fingerprint": self.fingerprint(),
            "weights": self.normalised_weights(),
            "limits": {k: v.model_dump(exclude_none=True) for k, v in self.limits.items()},
        }


@lru_cache(maxsize=4)
def _load_definitions(path: str) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_definitions(path: str | Path | None = None) -> dict[str, Any]:
    """Profile definitions: the built-in ``profiles.toml``, or a custom file validated and merged over it.

    Raises
    ------
    FileNotFoundError
    ValidationError
        When a custom file is not TOML or a field is wrong (see :mod:`landreg.scoring.profile_file`).
    """
    if path is None or Path(path).resolve() == PROFILES_FILE.resolve():
        return _load_definitions(str(PROFILES_FILE))
    from landreg.scoring.profile_file import read_profiles_file

    return read_profiles_file(path)


def list_profiles(*, path: str | Path | None = None, definitions: Mapping[str, Any] | None = None) -> list[str]:
    """Names of the profiles defined in ``profiles.toml`` (or a custom file at ``path``, or ``definitions``)."""
    return list((definitions or load_definitions(path))["profiles"])


def load_profile(
    name: str,
    *,
    weights: Mapping[str, float] | None = None,
    path: str | Path | None = None,
    definitions: Mapping[str, Any] | None = None,
) -> ScoringProfile:
    """A named profile, optionally with user weights.

    Parameters
    ----------
    name : str
        ``logistics``, ``manufacturing``, ``office`` or ``general`` (or one of ``path``).
    weights : mapping, optional
        Criterion -> weight updates (0 drops a criterion).
    path : str or Path, optional
        A custom profiles file with the layout of ``profiles.toml``; its profiles are added
        to the built-in ones (see :mod:`landreg.scoring.profile_file`).
    definitions : mapping, optional
        Already validated definitions (from :func:`load_definitions` or
        :func:`~landreg.scoring.profile_file.check_profile_definitions`).

    Returns
    -------
    ScoringProfile

    Raises
    ------
    UnknownProfileError
    InvalidWeightsError
    ValidationError
        When a custom file is malformed.
    """
    data = definitions if definitions is not None else load_definitions(path)
    if name not in data["profiles"]:
        raise UnknownProfileError(f"no scoring profile {name!r}; expected one of {sorted(data['profiles'])}")
    spec = data["profiles"][name]
    criteria = {}
    for key, base in data["criteria"].items():
        merged = {**base, **spec.get("criteria", {}).get(key, {})}
        if merged.get("transform") == "ideal":
            merged.pop("lo", None), merged.pop("hi", None)
        criteria[key] = Criterion(name=key, **merged)
    profile = ScoringProfile.model_construct(
        name=name,
        description=spec.get("description", ""),
        version=str(data["version"]),
        weights={k: float(v) for k, v in spec["weights"].items()},
        criteria=criteria,
        limits={k: Limit(**v) for k, v in spec.get("limits", {}).items()},
        industry_nace=list(spec.get("industry_nace", [])),
        unchecked_hazard=float(data.get("derived", {}).get("unchecked_hazard", 0.7)),
    )
    return profile.with_weights(weights or {})  # validates the definitions too


def parse_weights(text: str | None) -> dict[str, float]:
    """``"price=30,size=10"`` -> ``{"price": 30.0, "size": 10.0}``.

    Raises
    ------
    InvalidWeightsError
    """
    out: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        key, sep, value = part.partition("=")
        try:
            out[key.strip()] = float(value)
        except ValueError:
            sep = ""
        if not sep:
            raise InvalidWeightsError(f"weight {part!r}: expected criterion=number, e.g. price=30")
    return out
