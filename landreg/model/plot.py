"""The plot (tomt) model: attributes, price observations and provenance.

A plot's geometry is held beside its attributes (in a GeoDataFrame or on
:class:`Plot`) and is always a Polygon or MultiPolygon in EPSG:25832.
``area_m2`` is computed from that geometry by the registry and never taken
from input.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator, model_validator

from landreg.model.enums import (
    OwnerType,
    PlanStatus,
    PlotStatus,
    PriceBasis,
    PriceKind,
    ProvenanceMethod,
    Readiness,
    Utility,
    Zoning,
)
from landreg.municipalities import TRONDELAG_MUNICIPALITIES

CODE_PATTERN = r"^[A-Za-zÆØÅæøå0-9][A-Za-zÆØÅæøå0-9_.\-]{0,39}$"
NACE_PATTERN = r"^\d{2}(\.\d{1,2}){0,2}$"


class Occupant(BaseModel):
    """A firm occupying (part of) a plot."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    nace: str = Field(pattern=NACE_PATTERN, description="NACE Rev. 2 code, e.g. '46.72'")
    employees: int | None = Field(default=None, ge=0)


class FieldProvenance(BaseModel):
    """Where a field's value came from, when, and how.

    ``method`` ``"synthetic"`` (or, in records written before methods were kept,
    ``source`` ``"synthetic"``) marks generated demonstration values; every output
    derives its synthetic notice from these marks (:mod:`landreg.provenance`).
    """

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1, max_length=200, description="Who or what gave the value (file, editor, agency)")
    date: dt.date | None = None
    method: ProvenanceMethod | None = Field(
        default=None, description="observed, imported, edited, derived or synthetic"
    )
    editor: str | None = Field(default=None, max_length=200, description="Who edited the value (method 'edited')")
    file: str | None = Field(default=None, max_length=500, description="File the value was imported from")
    mapping: str | None = Field(default=None, max_length=200, description="Import mapping that read the file")
    note: str | None = Field(default=None, max_length=500)

    @property
    def is_synthetic(self) -> bool:
        """True for generated demonstration values."""
        return self.method is ProvenanceMethod.SYNTHETIC or (self.method is None and self.source == "synthetic")


class PriceObservation(BaseModel):
    """A dated asking or transaction price for a plot, in NOK per m²."""

    model_config = ConfigDict(extra="forbid")

    observed_on: dt.date
    kind: PriceKind
    price_nok_m2: float = Field(ge=0, le=1_000_000)
    basis: PriceBasis
    connection_fees_included: bool | None = None
    source: str = Field(default="unknown", min_length=1, max_length=200)


_GEOJSON_POLYGONAL = {
    "type": "object",
    "description": "Polygon or MultiPolygon; EPSG:25832 in storage, CRS84 in GeoJSON output",
    "required": ["type", "coordinates"],
    "properties": {
        "type": {"enum": ["Polygon", "MultiPolygon"]},
        "coordinates": {"type": "array"},
    },
}

#: Fields that the registry manages; values given on input are ignored or rejected.
MANAGED_FIELDS: tuple[str, ...] = (
    "plot_id",
    "version",
    "area_m2",
    "valid_to",
    "updated_at",
    "updated_by",
)


#: Each utility's place in the order utilities are listed in.
_UTILITY_ORDER = {u: i for i, u in enumerate(Utility)}


@functools.cache
def _provenance_keys() -> frozenset[str]:
    """The keys a plot's provenance may have: its attributes, ``geometry``, ``price_history`` and ``'*'``."""
    return frozenset(PlotAttributes.model_fields) | {"*", "geometry", "price_history"}


class PlotAttributes(BaseModel):
    """The attributes of a plot that a user or an import may set."""

    model_config = ConfigDict(extra="forbid", use_enum_values=False, validate_default=True)

    code: str = Field(pattern=CODE_PATTERN, description="Human code, e.g. 'TOR-012'")
    name: str | None = Field(default=None, max_length=200)
    municipality_no: str = Field(pattern=r"^\d{4}$", description="Kommunenummer (Kartverket)")
    municipality_name: str | None = Field(default=None, max_length=100)
    business_area_id: str | None = Field(default=None, max_length=64)
    status: PlotStatus = PlotStatus.AVAILABLE
    available_from: dt.date | None = Field(
        default=None, description="Date from which the plot can be taken; empty means now"
    )
    availability_note: str | None = Field(default=None, max_length=500)
    decision_id: str | None = Field(default=None, max_length=64, description="Pending decision that locks the plot")
    zoning: Zoning | None = None
    plan_status: PlanStatus = PlanStatus.NONE
    plan_id: str | None = Field(default=None, max_length=64)
    readiness: Readiness = Readiness.RAW
    price_min_nok_m2: float | None = Field(default=None, ge=0, le=1_000_000)
    price_max_nok_m2: float | None = Field(default=None, ge=0, le=1_000_000)
    price_basis: PriceBasis | None = None
    connection_fees_included: bool | None = None
    owner_type: OwnerType | None = None
    utilities: list[Utility] = Field(default_factory=list)
    requires_new_road: bool = False
    occupants: list[Occupant] = Field(default_factory=list)
    provenance: dict[str, FieldProvenance] = Field(
        default_factory=dict,
        description="Source per field; the key '*' gives the default for all fields",
    )
    last_verified: dt.date | None = None
    valid_from: dt.datetime | None = Field(
        default=None, description="Start of validity (UTC); set to the time of adding if empty"
    )
    previously_part_of: list[str] = Field(
        default_factory=list, description="Plot ids this plot was split from or merged from"
    )

    @field_validator("municipality_no")
    @classmethod
    def _known_municipality(cls, value: str) -> str:
        if value not in TRONDELAG_MUNICIPALITIES:
            raise ValueError(
                f"unknown municipality number {value!r}; expected a 2024 Trøndelag "
                "kommunenummer such as '5001' (Trondheim)"
            )
        return value

    @field_validator("utilities")
    @classmethod
    def _unique_utilities(cls, value: list[Utility]) -> list[Utility]:
        return sorted(set(value), key=_UTILITY_ORDER.__getitem__)

    @field_validator("provenance")
    @classmethod
    def _provenance_keys(cls, value: dict[str, FieldProvenance]) -> dict[str, FieldProvenance]:
        unknown = sorted(set(value) - _provenance_keys())
        if unknown:
            raise ValueError(f"provenance names unknown field(s) {unknown}; expected plot field names or '*'")
        return value

    @model_validator(mode="after")
    def _cross_field_rules(self) -> PlotAttributes:
        expected_name = TRONDELAG_MUNICIPALITIES[self.municipality_no]
        if self.municipality_name is None:
            self.municipality_name = expected_name
        elif self.municipality_name != expected_name:
            raise ValueError(
                f"municipality_name {self.municipality_name!r} does not match municipality_no "
                f"{self.municipality_no} ({expected_name!r})"
            )
        lo, hi = self.price_min_nok_m2, self.price_max_nok_m2
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"price_max_nok_m2 ({hi}) is below price_min_nok_m2 ({lo})")
        if (lo is not None or hi is not None) and self.price_basis is None:
            raise ValueError("a price is given but price_basis is empty; expected 'raw' or 'serviced'")
        if self.status is PlotStatus.LOCKED and not self.decision_id:
            raise ValueError("status 'locked' needs decision_id naming the pending decision")
        return self

    def provenance_of(self, field_name: str) -> FieldProvenance | None:
        """The provenance of one field, falling back to the ``'*'`` default."""
        return self.provenance.get(field_name) or self.provenance.get("*")

    def is_synthetic(self, field_name: str = "*") -> bool:
        """True when the field's provenance marks it synthetic (generated demonstration data)."""
        prov = self.provenance_of(field_name)
        return prov is not None and prov.is_synthetic


class Plot(PlotAttributes):
    """A plot as stored: attributes, managed fields and geometry (EPSG:25832)."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    plot_id: str = Field(description="Stable id; never reused, survives edits")
    version: int = Field(ge=1, description="Increases by one on every change")
    area_m2: float = Field(ge=0, description="Computed from the geometry in EPSG:25832")
    valid_to: dt.datetime | None = Field(default=None, description="End of validity; empty while live")
    updated_at: dt.datetime | None = None
    updated_by: str | None = None
    geometry: Annotated[Any, WithJsonSchema(_GEOJSON_POLYGONAL)] = Field(default=None, exclude=True)

    @property
    def area_daa(self) -> float:
        """Area in decares (1 daa = 1,000 m²)."""
        return self.area_m2 / 1_000.0

    @property
    def is_live(self) -> bool:
        """True while the plot has not ended."""
        return self.valid_to is None


#: Column order of plot frames and of the registry's ``plots`` table.
_LEADING = ("plot_id", "code", "version", "area_m2")
PLOT_FIELDS: tuple[str, ...] = _LEADING + tuple(
    name for name in Plot.model_fields if name != "geometry" and name not in _LEADING
)
#: Attributes that hold lists or objects (stored as JSON text).
JSON_FIELDS: frozenset[str] = frozenset({"utilities", "occupants", "provenance", "previously_part_of"})
#: Attributes that a caller may set (input columns).
INPUT_FIELDS: tuple[str, ...] = tuple(PlotAttributes.model_fields)
