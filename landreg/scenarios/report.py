"""The result of a scenario: what changed per plot, per business area and for the region."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from landreg.json_values import frame_records, json_value
from landreg.model.entities import Decision
from landreg.scenarios.spec import ScenarioSpec

#: A plot counts as changed when its score moves by at least this many points (0–100 scale),
SCORE_TOLERANCE = 0.05
#: a travel time by at least this many minutes (3 s),
TRAVEL_TIME_TOLERANCE_MIN = 0.05
#: its effective decares by at least this much, or its status changes.  A rank alone does not count:
#: it moves whenever other plots' scores do.
EFFECTIVE_DAA_TOLERANCE = 0.01


def differs(before: np.ndarray, after: np.ndarray, *, tolerance: float, count_appearing: bool = True) -> np.ndarray:
    """Per element: the values differ by at least ``tolerance`` (or one is known and the other not).

    ``count_appearing=False`` ignores a value that appears or disappears (e.g. the travel time to
    a destination the scenario builds: it shows in the notes and, where a profile weighs it, in the score).
    """
    b, a = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    both = ~np.isnan(b) & ~np.isnan(a)
    moved = both & (np.abs(np.where(both, a - b, 0.0)) >= tolerance)
    return moved | (np.isnan(b) != np.isnan(a)) if count_appearing else moved


def count_text(n: int, noun: str) -> str:
    """``count_text(1, "plot")`` -> ``"1 plot"``, ``count_text(3, "plot")`` -> ``"3 plots"``."""
    return f"{n:,} {noun}" + ("" if n == 1 else "s")


def outcome_text(outcomes: Mapping[str, str], *, decisions: Sequence[Decision]) -> str:
    """Decision outcomes as a reader sees them, e.g. ``"Rail freight terminal at Torgård: built"``."""
    titles = {d.decision_id: d.title for d in decisions}
    return "; ".join(f"{titles.get(did, did)}: {oc.replace('_', ' ')}" for did, oc in outcomes.items())


def status_change_note(before: pd.Series, after: pd.Series, *, cause: str) -> str:
    """E.g. ``"Rail freight terminal at Torgård: built — 29 plots change status (locked → reserved: 29)"``."""
    b, a = before.astype(str).to_numpy(), after.astype(str).to_numpy()
    moved = b != a
    if not moved.any():
        return f"{cause}: no plot changes status"
    pairs = pd.Series([f"{x} → {y}" for x, y in zip(b[moved], a[moved], strict=True)]).value_counts()
    detail = ", ".join(f"{k}: {v}" for k, v in pairs.items())
    return f"{cause} — {count_text(int(moved.sum()), 'plot')} change status ({detail})"


def _place_name(name: str) -> str:
    """A destination's name without a status remark: the scenario decides whether it exists."""
    return re.sub(r"\s*\((planlagt|planned)\)\s*$", "", name, flags=re.IGNORECASE)


def destination_notes(destinations: pd.DataFrame, *, added: Sequence[str], removed: Sequence[str]) -> list[str]:
    """One line per destination a scenario builds or takes away, by name (``dest_id`` when it has none)."""
    names = (
        dict(zip(destinations["dest_id"].astype(str), destinations["name"].astype(str), strict=True))
        if {"dest_id", "name"} <= set(destinations.columns)
        else {}
    )
    out = [f"{_place_name(names.get(d, d))}: built" for d in added]
    out += [f"{_place_name(names.get(d, d))}: not built" for d in removed]
    return out


def applicability_notes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """Criteria that no plot could score before and can after, or the other way round."""
    was = {p["criterion"]: p["label"] for p in before.get("not_applicable", [])}
    now = {p["criterion"]: p["label"] for p in after.get("not_applicable", [])}
    out = [
        f"{label}: now scored (not applicable before: destination not built)"
        for c, label in was.items()
        if c not in now
    ]
    out += [
        f"{label}: no longer scored (not applicable: destination not built)" for c, label in now.items() if c not in was
    ]
    return out


@dataclass
class ScenarioReport:
    """Baseline versus scenario.

    Attributes
    ----------
    spec : ScenarioSpec
    plots : DataFrame
        Per plot: ``status_before/after``, per target ``<t>_min_before/after/change``,
        ``score_before/after/change``, ``rank_before/after/change`` (negative = better),
        ``effective_daa_before/after``, ``changed`` (status, score, a travel time or effective
        decares moved beyond the tolerances of this module).
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
        """Only the plots where something changed (beyond the tolerances of this module)."""
        return self.plots[self.plots["changed"]]

    def headline(self) -> str:
        """One line for a title or subtitle: what the scenario does and how many plots it changes."""
        return f"{self.spec.description} · {len(self.changed_plots):,} of {len(self.plots):,} plots changed"

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
            lines.append(f"changed plots, largest score change first (top {top}):")
            lines.append(show[cols].round(2).to_string(index=False))
        return "\n".join(lines)
