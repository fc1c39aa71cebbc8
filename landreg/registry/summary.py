"""A short account of what a registry holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from landreg.provenance import SyntheticSummary, registry_synthetic_summary
from landreg.registry.base import AnalysisSource
from landreg.units import daa_from_m2


@dataclass(frozen=True)
class RegistrySummary:
    """Counts and decares of live plots, by status and municipality."""

    n_live: int
    n_ended: int
    area_daa: float
    by_status: dict[str, tuple[int, float]] = field(default_factory=dict)
    by_municipality: dict[str, tuple[int, float]] = field(default_factory=dict)
    n_business_areas: int = 0
    n_decisions: int = 0
    n_road_projects: int = 0
    n_price_observations: int = 0
    synthetic: SyntheticSummary = field(default_factory=SyntheticSummary)

    def to_text(self) -> str:
        """Human-readable summary (areas in decares)."""
        lines = [
            f"{self.n_live} live plots, {self.area_daa:,.1f} daa ({self.n_ended} ended plots kept in history)",
            f"{self.n_business_areas} business areas, {self.n_decisions} decisions, "
            f"{self.n_road_projects} road projects, {self.n_price_observations} price observations",
            "by status:",
        ]
        lines += [f"  {k:<12} {n:>6} plots {a:>12,.1f} daa" for k, (n, a) in self.by_status.items()]
        lines.append("by municipality:")
        lines += [f"  {k:<28} {n:>6} plots {a:>12,.1f} daa" for k, (n, a) in self.by_municipality.items()]
        if self.synthetic.any_synthetic:
            lines.append("synthetic (generated demonstration data, not real observations):")
            lines += [f"  {line}" for line in self.synthetic.lines()]
        return "\n".join(lines)


def summarize_registry(registry: AnalysisSource, *, layers_dir: str | Path | None = None) -> RegistrySummary:
    """Summarise the live plots and related entities of ``registry``, and what of them is synthetic.

    With ``layers_dir`` (the folder with ``layers.toml``) the layers the stored enrichment used
    count in the synthetic summary too.
    """
    live = registry.query_plots()
    n_all = registry.count_plots(include_ended=True)

    def group(col: pd.Series) -> dict[str, tuple[int, float]]:
        g = live.groupby(col, sort=True)["area_m2"].agg(["count", "sum"])
        return {str(k): (int(r["count"]), daa_from_m2(float(r["sum"]))) for k, r in g.iterrows()}

    label = live["municipality_no"].astype(str) + " " + live["municipality_name"].astype(str)
    return RegistrySummary(
        n_live=len(live),
        n_ended=n_all - len(live),
        area_daa=daa_from_m2(float(live["area_m2"].sum())) if len(live) else 0.0,
        by_status=group(live["status"]) if len(live) else {},
        by_municipality=group(label) if len(live) else {},
        n_business_areas=len(registry.load_business_areas()),
        n_decisions=len(registry.load_decisions()),
        n_road_projects=len(registry.load_road_projects()),
        n_price_observations=len(registry.price_history()),
        synthetic=registry_synthetic_summary(registry, layers_dir=layers_dir),
    )
