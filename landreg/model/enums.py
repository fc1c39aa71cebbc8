"""Controlled vocabularies of the plot model."""

from __future__ import annotations

from enum import StrEnum


class ProvenanceMethod(StrEnum):
    """How a stored value came about (recorded per field in a plot's provenance)."""

    OBSERVED = "observed"  # measured or recorded at the source (a survey, a sale)
    IMPORTED = "imported"  # read from a file by ``landreg import`` (file and mapping recorded)
    EDITED = "edited"  # set by a person through an edit (editor and date recorded)
    DERIVED = "derived"  # computed from other values (e.g. area from the geometry)
    SYNTHETIC = "synthetic"  # generated demonstration data, not a real observation


class PlotStatus(StrEnum):
    """Market status of a plot."""

    AVAILABLE = "available"
    RESERVED = "reserved"
    SOLD = "sold"
    LOCKED = "locked"  # locked pending a named Decision (e.g. the Torgård freight terminal)
    PLANNED = "planned"


class Zoning(StrEnum):
    """Land-use purpose in the zoning plan (reguleringsformål)."""

    INDUSTRY = "industry"
    HEAVY_INDUSTRY = "heavy_industry"
    WAREHOUSE_LOGISTICS = "warehouse_logistics"
    OFFICE = "office"
    COMBINED = "combined"
    PORT = "port"
    RETAIL = "retail"


class PlanStatus(StrEnum):
    """Status of the zoning plan that covers the plot."""

    ADOPTED = "adopted"
    IN_PROGRESS = "in_progress"
    NONE = "none"


class Readiness(StrEnum):
    """Readiness ladder, from raw land to a plot that can be built on now."""

    RAW = "raw"
    ZONED = "zoned"
    SERVICED = "serviced"
    BUILD_READY = "build_ready"

    @property
    def rank(self) -> int:
        """Position on the ladder: 0 (raw) to 3 (build-ready)."""
        return list(Readiness).index(self)


class PriceBasis(StrEnum):
    """What an asking or transaction price covers."""

    RAW = "raw"  # unserviced land
    SERVICED = "serviced"  # land with roads, water, sewer and power to the plot


class PriceKind(StrEnum):
    """Asking price (listed) or transaction price (a sale)."""

    ASKING = "asking"
    TRANSACTION = "transaction"


class OwnerType(StrEnum):
    """Who owns the land."""

    MUNICIPAL = "municipal"
    PRIVATE = "private"
    PUBLIC = "public"  # state or other public body than the municipality


class Utility(StrEnum):
    """Utilities available at the plot boundary."""

    WATER = "water"
    SEWER = "sewer"
    POWER = "power"
    HIGH_VOLTAGE = "high_voltage"
    DISTRICT_HEATING = "district_heating"
    FIBRE = "fibre"


class AreaType(StrEnum):
    """Main profile of a business area (næringsområde)."""

    LOGISTICS = "logistics"
    INDUSTRY = "industry"
    OFFICE = "office"
    MIXED = "mixed"
    PORT = "port"


class DecisionStatus(StrEnum):
    """Where a pending decision stands."""

    PENDING = "pending"
    DECIDED = "decided"
    WITHDRAWN = "withdrawn"


class RoadProjectStatus(StrEnum):
    """Stage of a planned road."""

    IDEA = "idea"
    PLANNED = "planned"
    FUNDED = "funded"
    UNDER_CONSTRUCTION = "under_construction"
    OPEN = "open"
    CANCELLED = "cancelled"  # ended: will not be built; kept for the record, left out of scenarios


class ChangeOp(StrEnum):
    """Kinds of change recorded in a plot's history."""

    ADD = "add"
    UPDATE = "update"
    END = "end"
    SPLIT = "split"
    MERGE = "merge"
