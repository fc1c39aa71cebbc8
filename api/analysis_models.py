"""Response models of the analysis endpoints: what each returns, as the OpenAPI document declares it.

The routes serialise the core's ``to_dict()`` forms themselves; these models describe those
bodies (every top-level field with its type; tables as lists of row objects whose columns
each field's description names).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from landreg.scenarios import ScenarioSpec

Rows = list[dict[str, Any]]


class SyntheticCountModel(BaseModel):
    """How many values of one group are synthetic (landreg.provenance.SyntheticCount)."""

    what: str = Field(description="plots, prices, status, zoning, readiness, owners, firms, price observations, ...")
    n_synthetic: int
    n_total: int
    unit: str = Field(description="plots, observations, areas or layers")
    sources: dict[str, int] = Field(description="Source -> number of values of the group from it")
    synthetic_items: list[str] = Field(description="For layers: the ids of the synthetic layers used")


class SyntheticNotice(BaseModel):
    """What is synthetic in the data a response used, counted from the data (empty for real data)."""

    synthetic: bool = Field(description="True when any value used is generated demonstration data")
    counts: list[SyntheticCountModel]
    notice: dict[str, str] = Field(description="The notice in English (en) and bokmål (nb); empty when nothing is")


class ProfileRecord(BaseModel):
    """Which profile, at which version, produced a result (so it can be reproduced)."""

    profile: str
    version: str
    fingerprint: str = Field(description="Hash of the weights and limits, to tell apart edited profiles")
    weights: dict[str, float] = Field(description="The profile's weights, normalised to sum 1")
    limits: dict[str, dict[str, Any]] = Field(description="Per criterion: the limits that map raw values to 0..1")


class NotApplicableCriterion(BaseModel):
    """A criterion no plot can score (its destination is not built): left out, its weight shared."""

    criterion: str
    label: str
    reason: str


class ScoreRecord(ProfileRecord):
    """The profile record of a score, with the weights as applied and the criteria left out."""

    effective_weights: dict[str, float] = Field(description="Weights as applied (0 for criteria not applicable)")
    not_applicable: list[NotApplicableCriterion] = Field(default_factory=list)


class ScoresResponse(ScoreRecord):
    """Scores 0–100 per plot with rank, percentile and the contribution of each criterion."""

    n_plots: int
    n_excluded: int
    plots: Rows
    synthetic: SyntheticNotice


class ExplanationResponse(ScoreRecord):
    """One plot's score broken down by criterion, with any exclusion reasons."""

    plot_id: str | None
    code: str | None
    score: float | None
    excluded: bool
    exclusion_reasons: list[str]
    contributions: Rows = Field(
        description="Per criterion: raw value, 0..1 value, weight as applied, points, missing, applicable and reason"
    )
    synthetic: SyntheticNotice


class ClustersResponse(BaseModel):
    """Cluster scores per business area and the contiguous block of each plot (landreg.clusters)."""

    industry_nace: list[str] = Field(description="NACE codes whose good neighbours count")
    gap_m: float = Field(description="Plots within this gap (metres) form one block")
    areas: Rows = Field(description="Per business area: its cluster scores (see landreg.clusters.cluster_scores)")
    plots: Rows = Field(description="Per plot: block_id, block_area_daa (null when not available), synergy_score")
    synthetic: SyntheticNotice


class HotspotsResponse(BaseModel):
    """Price hot and cold spots per priced plot (Local Moran's I and Getis–Ord Gi*, FDR-corrected)."""

    params: dict[str, Any] = Field(description="k, permutations, seed, alpha and the FDR thresholds")
    plots: Rows = Field(
        description="Per plot: plot_id, code, business_area_id, price_nok_m2, moran_i, moran_p, moran_quadrant, "
        "moran_class, gi_star, gi_z, gi_p, gi_class (hot, cold, high_outlier, low_outlier or not_significant)"
    )
    synthetic: SyntheticNotice


class SupplyParams(BaseModel):
    """Parameters of the effective-supply discount."""

    supply_statuses: list[str]
    readiness_factors: dict[str, float]
    min_block_daa: float
    gap_m: float
    attractive_score: float


class SupplyResponse(BaseModel):
    """Nominal and effective supply (decares) per municipality, per business area and for the region."""

    profile: ScoreRecord
    params: SupplyParams
    uptake_daa_per_year: float | None = Field(description="Yearly uptake behind the years of supply, if given")
    region: dict[str, Any] = Field(description="The municipalities' columns summed over the region")
    municipalities: Rows = Field(
        description="Per municipality: <status>_daa per status, supply_daa, effective_daa, attractive_daa, "
        "effective_share and, with an uptake, years_nominal and years_effective"
    )
    areas: Rows = Field(description="Per business area: the same columns as for municipalities")
    synthetic: SyntheticNotice


class PriceSummaryResponse(BaseModel):
    """Price statistics (NOK/m²) grouped by municipality, business area, zoning, readiness or year."""

    by: str
    kind: str | None = Field(description="asking or transaction; null for both")
    basis: str | None = Field(description="raw or serviced; null for both")
    rows: Rows = Field(description="One row per group with counts and price statistics in NOK/m²")
    note: str = Field(description="What of the observations summarised is synthetic; empty when none is")
    synthetic: SyntheticNotice


class SearchResponse(BaseModel):
    """Ranked sites for a firm's requirements, the plots left out and what a relocation frees."""

    requirements: dict[str, Any] = Field(description="The requirements as applied (landreg.search.SiteRequirements)")
    profile: ProfileRecord
    n_sites: int = Field(description="Sites that meet the requirements (before the limit)")
    sites: Rows = Field(
        description="Best sites first: site_id, kind (plot or block), codes, plot_ids, business_area_id, "
        "municipality_no, area_daa, score, rank, <target>_min, price_nok_m2, helped, held_back"
    )
    exclusion_summary: dict[str, int] = Field(description="Requirement -> number of plots or sites it left out")
    relocation: dict[str, Any] | None = Field(description="Freed plots and decares, supply before and after")
    notes: list[str]
    synthetic: SyntheticNotice


class ScenarioResponse(BaseModel):
    """What a scenario changes, run on a copy of the data (the registry is not touched)."""

    scenario: ScenarioSpec
    profile: ScoreRecord
    notes: list[str] = Field(description="What was applied")
    region: dict[str, Any] = Field(description="Region supply before and after")
    areas: Rows = Field(description="Per business area: supply, effective supply and mean score before, after, change")
    plots: Rows = Field(
        description="The plots that changed: status, travel times, score, rank and effective decares before and after"
    )
    synthetic: SyntheticNotice


class ScenarioInfo(BaseModel):
    """A scenario that can be run."""

    name: str
    description: str


class IndicatorFigure(BaseModel):
    """One indicator figure (landreg.indicators.Figure), its numbers rounded by unit (decares to the m²)."""

    id: str = Field(description="What the figure is, e.g. available_now_daa, years_of_supply_5y, price_index")
    value: Any = Field(
        description="A number, a table (per year, per price group, ...) or null when the data cannot give it"
    )
    unit: str = Field(description="daa, daa/year, daa/year², years, NOK/m² or index")
    definition: dict[str, str] = Field(description="How it is computed, in English (en) and bokmål (nb)")
    as_of: str = Field(description="The registry time the figure describes (ISO 8601, UTC)")
    synthetic_share: float = Field(ge=0, le=1, description="How much of it rests on synthetic data (0–1)")
    synthetic: SyntheticNotice
    note: dict[str, str] = Field(description="Caveats in en and nb (empty when none)")
    detail: dict[str, Any] = Field(description="Supporting values: years observed, decares per locking decision, ...")


class IndicatorScope(BaseModel):
    """The figures of the region, one municipality or one business area."""

    scope: Literal["region", "municipality", "business_area"]
    key: str = Field(description="region, the kommunenummer or the business area id")
    name: str
    figures: list[IndicatorFigure]


class IndicatorsResponse(BaseModel):
    """Every indicator figure per region, municipality and business area at one registry time."""

    as_of: str = Field(description="The registry time (ISO 8601, UTC)")
    synthetic: SyntheticNotice
    scopes: list[IndicatorScope]
