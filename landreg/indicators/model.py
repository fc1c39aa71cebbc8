"""The typed result of the indicators: one :class:`Figure` per quantity, grouped by scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from landreg.indicators.rounding import SHARE_DECIMALS, rounded
from landreg.json_values import json_value
from landreg.provenance import SyntheticSummary

#: Scopes, widest first.
SCOPES = ("region", "municipality", "business_area")


def synthetic_share(summary: SyntheticSummary) -> float:
    """How much of a figure rests on synthetic data: the largest synthetic share among the data groups it used.

    Parameters
    ----------
    summary : SyntheticSummary
        From :func:`landreg.provenance.summarize_synthetic` over the data the figure used.

    Returns
    -------
    float
        0 (nothing synthetic, or no data) to 1 (every value of some group used is synthetic).
    """
    shares = [c.n_synthetic / c.n_total for c in summary.counts if c.n_total]
    return max(shares, default=0.0)


@dataclass(frozen=True)
class Figure:
    """One indicator figure with its definition, date and synthetic share.

    Attributes
    ----------
    id : str
        What the figure is, e.g. ``"available_now_daa"`` (see :data:`~landreg.indicators.definitions.DEFINITIONS`).
    value : float, int, dict, list or None
        The figure; None when the data cannot give it (``note`` says why).
    unit : str
        ``"daa"``, ``"daa/year"``, ``"years"``, ``"NOK/m²"``, ``"index"``, ...
    definition : dict
        How it is computed, ``{"en": ..., "nb": ...}``.
    as_of : datetime
        The registry time the figure describes (UTC).
    synthetic : SyntheticSummary
        What is synthetic in the data it used.
    note : dict
        Caveats, ``{"en": ..., "nb": ...}`` (empty when none).
    detail : dict
        Supporting values (years observed, per-decision decares, ...).
    """

    id: str
    value: Any
    unit: str
    definition: dict[str, str]
    as_of: dt.datetime
    synthetic: SyntheticSummary = field(default_factory=SyntheticSummary)
    note: dict[str, str] = field(default_factory=dict)
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def synthetic_share(self) -> float:
        """The largest synthetic share among the data groups used (see :func:`synthetic_share`)."""
        return synthetic_share(self.synthetic)

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """Plain JSON values, numbers rounded by what they measure (:func:`~landreg.indicators.rounding.rounded`).

        Parameters
        ----------
        exact : bool
            Keep every number at full precision instead.
        """
        value, detail, share = json_value(self.value), json_value(self.detail), self.synthetic_share
        if not exact:
            value, detail = rounded(self.value, unit=self.unit), rounded(self.detail, unit=self.unit)
            share = round(share, SHARE_DECIMALS)
        return {
            "id": self.id,
            "value": value,
            "unit": self.unit,
            "definition": dict(self.definition),
            "as_of": self.as_of.isoformat(),
            "synthetic_share": share,
            "synthetic": self.synthetic.to_dict(),
            "note": dict(self.note),
            "detail": detail,
        }


@dataclass(frozen=True)
class ScopeIndicators:
    """The figures of one region, municipality or business area.

    Attributes
    ----------
    scope : str
        One of :data:`SCOPES`.
    key : str
        ``"region"``, the kommunenummer or the business area id.
    name : str
    figures : tuple of Figure
    """

    scope: str
    key: str
    name: str
    figures: tuple[Figure, ...]

    def figure(self, figure_id: str) -> Figure:
        """The figure with this id.

        Raises
        ------
        KeyError
            When the scope has no such figure.
        """
        for f in self.figures:
            if f.id == figure_id:
                return f
        raise KeyError(f"no figure {figure_id!r}; expected one of {', '.join(f.id for f in self.figures)}")

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """Plain JSON values (numbers rounded unless ``exact``)."""
        return {
            "scope": self.scope,
            "key": self.key,
            "name": self.name,
            "figures": [f.to_dict(exact=exact) for f in self.figures],
        }


@dataclass(frozen=True)
class IndicatorReport:
    """Every indicator figure of the registry at one time, per region, municipality and business area.

    Attributes
    ----------
    as_of : datetime
    scopes : tuple of ScopeIndicators
    synthetic : SyntheticSummary
        What is synthetic in all the data the report used.
    """

    as_of: dt.datetime
    scopes: tuple[ScopeIndicators, ...]
    synthetic: SyntheticSummary

    def scope(self, scope: str, key: str = "region") -> ScopeIndicators:
        """The figures of one scope (``("region", "region")``, ``("municipality", "5001")``, ...).

        Raises
        ------
        KeyError
            When there is no such scope in the report.
        """
        for s in self.scopes:
            if s.scope == scope and s.key == key:
                return s
        raise KeyError(f"no {scope} {key!r} in the indicators")

    def to_dict(self, *, exact: bool = False) -> dict[str, Any]:
        """Plain JSON values (numbers rounded unless ``exact``)."""
        return {
            "as_of": self.as_of.isoformat(),
            "synthetic": self.synthetic.to_dict(),
            "scopes": [s.to_dict(exact=exact) for s in self.scopes],
        }

    def to_frame(self, *, exact: bool = False) -> pd.DataFrame:
        """One row per scope and figure (CSV): scalars as numbers, others as JSON text (rounded unless ``exact``)."""
        import json

        rows = []
        for s in self.scopes:
            for f in s.figures:
                value = json_value(f.value) if exact else rounded(f.value, unit=f.unit)
                rows.append(
                    {
                        "scope": s.scope,
                        "key": s.key,
                        "name": s.name,
                        "figure": f.id,
                        "value": value if value is None or isinstance(value, int | float) else json.dumps(value),
                        "unit": f.unit,
                        "as_of": f.as_of.isoformat(),
                        "synthetic_share": f.synthetic_share if exact else round(f.synthetic_share, SHARE_DECIMALS),
                        "definition_en": f.definition["en"],
                        "definition_nb": f.definition["nb"],
                        "note_en": f.note.get("en", ""),
                    }
                )
        return pd.DataFrame(rows)
