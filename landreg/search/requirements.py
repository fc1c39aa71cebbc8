"""A firm's requirements for a site."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from landreg.municipalities import known_municipalities_text, municipality_no_from_ref


class SiteRequirements(BaseModel):
    """What a firm needs.

    Attributes
    ----------
    min_daa, max_daa : float or None
        Size of the site (one plot, or adjacent plots together when ``combine_adjacent``).
    zoning : list of str
        Accepted zoning purposes (empty: any).
    max_minutes : dict
        Access target (``port``, ``airport``, ``trondheim_s``, ``freight_terminal``,
        ``motorway_junction``, ``city_centre``) -> the longest acceptable drive in minutes.
    max_price_nok_m2 : float or None
    max_quick_clay_share, max_flood_share : float or None
        Hazard tolerance: the largest share of the plot inside a hazard zone.
    allow_unchecked_hazards : bool
        Accept plots where a hazard was not mapped.
    statuses : list of str
        Plot statuses that can be offered (default available).
    profile : str
        Scoring profile that ranks the candidates.
    industry_nace : list of str
        The firm's industry (good neighbours); defaults to the relocating firm's NACE code.
    municipality_no : list of str
        Municipalities the site must lie in, by kommunenummer or name (``"Trondheim"``,
        ``"Stjørdal"``); stored as numbers (empty: any).
    business_area_id : list of str
        Business areas the site must lie in, by id (``"torgard"``) (empty: any).
    relocating : str or None
        A firm moving out of its plots: they are freed (counted back into supply) and not offered to it;
        the site it moves to (``move_to``, else the best-ranked one) is taken up.
    move_to : str or None
        The ``site_id`` a relocating firm moves to (default: the best-ranked site).
    combine_adjacent : bool
        Also offer contiguous blocks of eligible plots (same business area) as one site.
    gap_m : float
        Plots within this gap count as adjacent.
    """

    model_config = ConfigDict(extra="forbid")

    min_daa: float | None = Field(default=None, ge=0)
    max_daa: float | None = Field(default=None, gt=0)
    zoning: list[str] = Field(default_factory=list)
    max_minutes: dict[str, float] = Field(default_factory=dict)
    max_price_nok_m2: float | None = Field(default=None, gt=0)
    max_quick_clay_share: float | None = Field(default=None, ge=0, le=1)
    max_flood_share: float | None = Field(default=None, ge=0, le=1)
    allow_unchecked_hazards: bool = True
    statuses: list[str] = Field(default_factory=lambda: ["available"])
    profile: str = "general"
    industry_nace: list[str] = Field(default_factory=list)
    municipality_no: list[str] = Field(default_factory=list)
    business_area_id: list[str] = Field(default_factory=list)
    relocating: str | None = None
    move_to: str | None = None
    combine_adjacent: bool = True
    gap_m: float = Field(default=10.0, ge=0)

    @field_validator("industry_nace")
    @classmethod
    def _nace_codes(cls, value: list[str]) -> list[str]:
        from landreg.clusters.industries import validate_nace_codes

        return list(validate_nace_codes(value))

    @field_validator("max_minutes")
    @classmethod
    def _known_targets(cls, value: dict[str, float]) -> dict[str, float]:
        from landreg.enrich.routing import DEFAULT_TARGETS

        targets = [t.name for t in DEFAULT_TARGETS]
        unknown = [k for k in value if k not in targets]
        if unknown:
            raise ValueError(f"unknown destination(s) {unknown}; expected some of: {', '.join(targets)}")
        negative = [k for k, v in value.items() if v < 0]
        if negative:
            raise ValueError(f"minutes must not be negative, got {[f'{k}={value[k]}' for k in negative]}")
        return value

    @field_validator("municipality_no")
    @classmethod
    def _municipalities(cls, values: list[str]) -> list[str]:
        out, unknown = [], []
        for ref in values:
            number = municipality_no_from_ref(str(ref))
            if number is None:
                unknown.append(str(ref))
            elif number not in out:
                out.append(number)
        if unknown:
            raise ValueError(
                f"unknown municipality {', '.join(map(repr, unknown))}; expected a kommunenummer or name, "
                f"one of: {known_municipalities_text()}"
            )
        return out

    @field_validator("zoning", "statuses")
    @classmethod
    def _known_values(cls, values: list[str], info: ValidationInfo) -> list[str]:
        from landreg.model.enums import PlotStatus, Zoning

        known = [e.value for e in (Zoning if info.field_name == "zoning" else PlotStatus)]
        unknown = [v for v in values if v not in known]
        if unknown:
            raise ValueError(f"unknown value(s) {unknown}; expected some of: {', '.join(known)}")
        return values

    @model_validator(mode="after")
    def _sizes(self) -> SiteRequirements:
        if self.min_daa is not None and self.max_daa is not None and self.max_daa < self.min_daa:
            raise ValueError(f"max_daa ({self.max_daa}) is below min_daa ({self.min_daa})")
        return self
