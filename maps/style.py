"""Colours, class schemes (mapclassify) and legends of the maps."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Plot status colours (categorical).
STATUS_COLORS: dict[str, str] = {
    "available": "#1a9641",
    "planned": "#80b1d3",
    "reserved": "#fdb863",
    "locked": "#8e44ad",
    "sold": "#9e9e9e",
}
MISSING_COLOR = "#dddddd"
#: Colour ramps (matplotlib names) per colouring.
RAMPS: dict[str, str] = {"score": "RdYlGn", "price": "YlOrRd", "change": "RdBu", "supply": "YlGnBu"}
#: Default mapclassify scheme per colouring: fixed 20-point bands for scores keep maps of different
#: profiles comparable; quantiles give the skewed prices and supplies equally filled classes.
DEFAULT_SCHEMES: dict[str, str] = {"score": "EqualInterval", "price": "Quantiles", "supply": "Quantiles"}
#: Schemes offered (mapclassify names); Fisher–Jenks is left out: without numba it is quadratic in the plots.
SCHEME_NAMES = (
    "EqualInterval",
    "Quantiles",
    "PrettyBreaks",
    "NaturalBreaks",
    "JenksCaspall",
    "MaximumBreaks",
    "HeadTailBreaks",
    "BoxPlot",
    "StdMean",
    "UserDefined",
)

ROADS_STYLE = {"E": ("#c0392b", 2.5), "R": ("#e67e22", 2.0), "F": ("#b7950b", 1.2)}
LAND_STYLE = {"fillColor": "#f3efe6", "color": "#7f7f7f", "weight": 1.0, "fillOpacity": 1.0}
NEIGHBOUR_STYLE = {"fillColor": "#e9e5dc", "color": "#a0a0a0", "weight": 0.6, "fillOpacity": 1.0}


@dataclass
class Legend:
    """A legend: title, (colour, label[, key shape: "box", "line" or "dot"]) items and an optional note."""

    title: str
    items: list[tuple[str, ...]] = field(default_factory=list)
    note: str | None = None

    def to_dict(self) -> dict[str, object]:
        """JSON for ``landreg.LegendControl``."""
        return {"title": self.title, "items": [list(i) for i in self.items], "note": self.note}


@dataclass
class Classes:
    """Each value's class (-1 when missing), the colours and the legend."""

    codes: np.ndarray
    colors: list[str]
    legend: Legend


def ramp(name: str, k: int) -> list[str]:
    """``k`` hex colours sampled evenly from the matplotlib colormap ``name``."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    cmap = colormaps[name]
    return [to_hex(cmap(x)) for x in np.linspace(0.08 if name != "YlGnBu" else 0.3, 0.92, k)]


def classify_values(
    values: Sequence[float] | pd.Series,
    *,
    title: str,
    kind: str = "score",
    scheme: str | None = None,
    k: int = 5,
    bins: Sequence[float] | None = None,
    unit: str = "",
    digits: int = 0,
) -> Classes:
    """Classes of numeric ``values`` with a mapclassify scheme, with colours and a legend.

    Parameters
    ----------
    values : sequence of float
        NaN is "no value" (class -1, grey).
    title : str
        Legend title.
    kind : {"score", "price", "change", "supply"}
        Picks the colour ramp and the default scheme.
    scheme : str, optional
        A mapclassify classifier name (see :data:`SCHEME_NAMES`); default per ``kind``.
    k : int
        Number of classes (fewer when the data has fewer distinct values).
    bins : sequence of float, optional
        Upper bounds for ``UserDefined`` (and for ``score`` with ``EqualInterval``: 20-point bands).
    unit, digits : str, int
        Legend label formatting.

    Returns
    -------
    Classes
    """
    import mapclassify

    y = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(y)
    scheme = scheme or DEFAULT_SCHEMES.get(kind, "Quantiles")
    if scheme not in SCHEME_NAMES:
        raise ValueError(f"unknown class scheme {scheme!r}; expected one of {list(SCHEME_NAMES)}")
    codes = np.full(len(y), -1, dtype=int)
    legend = Legend(title=title)
    if not ok.any():
        legend.items.append((MISSING_COLOR, "no value"))
        return Classes(codes, [], legend)
    if kind == "score" and scheme == "EqualInterval" and bins is None:
        scheme, bins = "UserDefined", [20.0, 40.0, 60.0, 80.0, 100.0]
    distinct = np.unique(y[ok])
    k = max(1, min(k, len(distinct)))
    if scheme == "UserDefined":
        classifier = mapclassify.UserDefined(y[ok], bins=list(bins or []))
    elif len(distinct) <= k:
        classifier = mapclassify.UserDefined(y[ok], bins=list(distinct))
    else:
        classifier = mapclassify.classify(y[ok], scheme.lower(), k=k)
    codes[ok] = np.asarray(classifier.yb, dtype=int)
    upper = np.asarray(classifier.bins, dtype=float)
    colors = ramp(RAMPS.get(kind, "viridis"), len(upper))
    first = 0.0 if (kind == "score" and bins is not None) else float(np.nanmin(y[ok]))
    lower = np.r_[first, upper[:-1]]
    suffix = f" {unit}" if unit else ""
    for c, lo, hi in zip(colors, lower, upper, strict=True):
        legend.items.append((c, f"{lo:,.{digits}f} – {hi:,.{digits}f}{suffix}"))
    if (~ok).any():
        legend.items.append((MISSING_COLOR, "no value / excluded"))
    legend.note = (
        "classes: 20-point bands"
        if kind == "score" and bins is not None
        else (f"classes: {type(classifier).__name__} (mapclassify)")
    )
    return Classes(codes, colors, legend)


def classify_categories(
    values: Sequence[str] | pd.Series, *, title: str, colors: dict[str, str] | None = None
) -> Classes:
    """Classes of a categorical column (status by default colours)."""
    colors = colors or STATUS_COLORS
    levels = list(colors)
    extra = sorted({str(v) for v in values if v is not None and str(v) not in colors})
    palette = [colors[lv] for lv in levels] + ramp("tab10", max(len(extra), 1))[: len(extra)]
    levels += extra
    lookup = {lv: i for i, lv in enumerate(levels)}
    codes = np.array([lookup.get(str(v), -1) if v is not None else -1 for v in values], dtype=int)
    present = set(codes.tolist())
    legend = Legend(title=title, items=[(palette[i], lv) for i, lv in enumerate(levels) if i in present])
    return Classes(codes, palette, legend)
