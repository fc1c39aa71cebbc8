"""What a plot's score depends on beyond its own row, computed once over the whole live registry.

A score must not depend on which other plots are scored with it.  Two inputs
come from the registry as a whole, not from the plot:

* the **synergy** of a plot (related firms nearby): the firms sit on sold and
  occupied plots, which are usually not among the plots being scored;
* which criteria are **not applicable** at all: a travel time to a destination
  that is not built yet (e.g. a planned rail freight terminal) is unknown for
  every plot.  Such a criterion is left out and its weight shared among the
  others, instead of giving every plot the ``missing`` value.

The caller builds a :class:`ScoringContext` from every live plot (see
:func:`landreg.clusters.colocation.scoring_context`) and then scores any subset
of them with it (:func:`landreg.scoring.score_plots`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from landreg.scoring.profiles import ScoringProfile

#: Suffix of the raw columns that hold a travel time to a destination.
TRAVEL_TIME_SUFFIX = "_travel_time_s"


@dataclass(frozen=True)
class ScoringContext:
    """Inputs of a score taken from the whole registry.

    Attributes
    ----------
    synergy_score : Series or None
        0..1 synergy per ``plot_id`` (NaN: no firm at all); None leaves synergy to the
        plots' own ``synergy_score`` column (missing when there is none).
    not_applicable : dict
        Raw column (e.g. ``freight_terminal_travel_time_s``) -> why no plot can have a value.
    """

    synergy_score: pd.Series | None = None
    not_applicable: Mapping[str, str] = field(default_factory=dict)

    def with_synergy(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (a copy) with ``synergy_score`` looked up by ``plot_id`` (kept when already there)."""
        out = frame.copy()
        if self.synergy_score is not None and "synergy_score" not in out.columns and "plot_id" in out.columns:
            out["synergy_score"] = out["plot_id"].astype(str).map(self.synergy_score).to_numpy(dtype=float)
        return out

    def criteria_not_applicable(self, profile: ScoringProfile) -> dict[str, str]:
        """Active criteria of ``profile`` that no plot can score -> the reason (text)."""
        out = {}
        for name in profile.active:
            column = profile.criteria[name].column
            if column in self.not_applicable:
                out[name] = self.not_applicable[column]
        return out


def unscoreable_columns(plots: pd.DataFrame) -> dict[str, str]:
    """Travel-time columns that are unknown for every plot although other travel times are known.

    Enrichment routes only to destinations that exist; a destination class with only
    planned members (see :class:`landreg.enrich.routing.AccessTarget`) leaves its travel
    time NaN for every plot until a scenario builds one.  A plot that is merely
    unreachable has all of its travel times NaN and does not count.

    Parameters
    ----------
    plots : DataFrame
        Every live enriched plot of the registry.

    Returns
    -------
    dict
        Column -> reason.
    """
    columns = [c for c in plots.columns if c.endswith(TRAVEL_TIME_SUFFIX)]
    if not columns or len(plots) == 0:
        return {}
    known = {c: pd.to_numeric(plots[c], errors="coerce").notna().to_numpy() for c in columns}
    routed = np.logical_or.reduce(list(known.values()))
    return unscoreable_from_counts({c: int(k.sum()) for c, k in known.items()}, n_routed=int(routed.sum()))


def unscoreable_from_counts(known_counts: Mapping[str, int], *, n_routed: int) -> dict[str, str]:
    """:func:`unscoreable_columns` from counts: plots with a known value per travel-time column, plots routed at all.

    Parameters
    ----------
    known_counts : mapping
        Travel-time column -> number of live plots with a value.
    n_routed : int
        Number of live plots with at least one travel time.

    Returns
    -------
    dict
        Column -> reason.
    """
    if n_routed <= 0:  # not enriched: every value is missing for its own reason
        return {}
    out = {}
    for c, n_known in known_counts.items():
        if n_known <= 0:
            what = c.removesuffix(TRAVEL_TIME_SUFFIX).replace("_", " ")
            out[c] = (
                f"not applicable: no {what} is built yet (only planned), so no plot has a travel time "
                "to one; its weight is shared among the other criteria"
            )
    return out
