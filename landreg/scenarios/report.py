"""The result of a scenario: what changed per plot, per business area and for the region."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from landreg.scenarios.spec import ScenarioSpec
from landreg.scoring._json import frame_records, json_value


@dataclass
class ScenarioReport:
    """Baseline versus scenario.

    Attributes
    ----------
    spec : ScenarioSpec
    plots : DataFrame
        Per plot: ``status_before/after``, per target ``<t>_min_before/after/change``,
        ``score_before/after/change``, ``rank_before/after/change`` (negative = better),
        ``effective_daa_before/after``, ``changed`` (anything differs).
    areas : DataFrame
        Per business area: ``supply_daa``, ``effective_daa``, ``mean_score`` before/after and change,
        mean travel-time change per target, plots changed.
    region : dict
        Region supply before/after.
    profile : dict
    notes : list of str
        What was applied (statuses changed, destinations, roads connected, plots served).
    """

    spec: ScenarioSpec
    plots: pd.DataFrame
    areas: pd.DataFrame
    region: dict[str, Any]
    profile: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def changed_plots(self) -> pd.DataFrame:
        """Only the plots where something changed."""
        return self.plots[self.plots["changed"]]

    @staticmethod
    def _moved(frame: pd.DataFrame) -> list[str]:
        """Travel-time columns worth showing: changes that are not all zero, or times that appear."""
        out = []
        for c in [c for c in frame.columns if c.endswith("_min_change")]:
            after = c.replace("_change", "_after")
            if (frame[c].abs() > 1e-6).any():
                out.append(c)
            elif frame[c].isna().all() and after in frame and frame[after].notna().any():
                out.append(after)
        return out

    def to_dict(self, *, all_plots: bool = False) -> dict[str, Any]:
        """JSON-serialisable (changed plots only unless ``all_plots``)."""
        plots = self.plots if all_plots else self.changed_plots
        return {
            "scenario": self.spec.model_dump(),
            "profile": self.profile,
            "notes": self.notes,
            "region": json_value(self.region),
            "areas": frame_records(self.areas),
            "plots": frame_records(plots),
        }

    def to_text(self, *, top: int = 10) -> str:
        """A readable report for the terminal."""
        lines = [
            f"scenario {self.spec.name!r}: {self.spec.description}",
            f"profile {self.profile['profile']} (version {self.profile['version']})",
        ]
        lines += [f"  - {n}" for n in self.notes]
        b, a = self.region["before"], self.region["after"]
        lines.append(
            f"region supply: {b['supply_daa']:,.0f} -> {a['supply_daa']:,.0f} daa; effective "
            f"{b['effective_daa']:,.0f} -> {a['effective_daa']:,.0f} daa"
        )
        changed = self.changed_plots
        lines.append(f"{len(changed)} of {len(self.plots)} plots changed")
        areas = self.areas[self.areas["plots_changed"] > 0]
        if len(areas):
            cols = [
                c
                for c in (
                    "area_id",
                    "plots_changed",
                    "supply_daa_before",
                    "supply_daa_after",
                    "effective_daa_before",
                    "effective_daa_after",
                    "mean_score_change",
                )
                if c in areas
            ]
            cols += self._moved(areas)
            lines.append("per business area:")
            lines.append(areas[cols].round(2).to_string(index=False))
        if len(changed):
            cols = [
                c
                for c in (
                    "code",
                    "business_area_id",
                    "status_before",
                    "status_after",
                    "score_before",
                    "score_after",
                    "rank_before",
                    "rank_after",
                )
                if c in changed
            ]
            cols += self._moved(changed)
            show = changed.reindex(changed["score_change"].abs().sort_values(ascending=False).index).head(top)
            lines.append(f"largest score changes (top {top}):")
            lines.append(show[cols].round(2).to_string(index=False))
        return "\n".join(lines)
