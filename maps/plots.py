"""The plot layer's payload: compact geometry, popup facts and the score breakdown per criterion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.i18n import code_label, format_number, translator
from maps.encode import PLOT_DECIMALS, encode_polygons, json_value, to_web
from maps.style import MISSING_COLOR, Classes

#: Popup rows: (label, column, unit, decimals).
PLOT_FACTS: tuple[tuple[str, str, str, int], ...] = (
    ("Municipality", "municipality", "", 0),
    ("Business area", "area", "", 0),
    ("Status", "status", "", 0),
    ("Area", "daa", "daa", 1),
    ("Asking price", "price", "", 0),
    ("Zoning", "zoning", "", 0),
    ("Readiness", "readiness", "", 0),
    ("Owner", "owner", "", 0),
    ("New road needed", "new_road", "", 0),
    ("Score", "score", "/ 100", 1),
    ("Rank", "rank", "", 0),
)
_SOURCE_COLUMNS = {
    "municipality": "municipality_name",
    "status": "status",
    "zoning": "zoning",
    "readiness": "readiness",
    "owner": "owner_type",
}
#: Popup columns holding codes of a controlled vocabulary, shown as words (:func:`landreg.i18n.code_label`).
_VOCABULARY_COLUMNS = {"status": "status", "zoning": "zoning", "readiness": "readiness", "owner": "owner_type"}
#: Texts of the map script, translated into the payload's ``words``.
SCRIPT_TEXTS: tuple[str, ...] = (
    "Score breakdown",
    "criterion",
    "points",
    "Excluded",
    "Synthetic (demonstration data)",
)


def _categorical(values: Sequence[Any]) -> dict[str, Any] | list[Any]:
    """Repeated strings as ``{"levels": [...], "codes": [...]}`` (-1 for missing)."""
    clean = [None if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values]
    levels = sorted({v for v in clean if v is not None})
    if len(levels) > max(len(clean) // 2, 8):
        return clean
    lookup = {lv: i for i, lv in enumerate(levels)}
    return {"levels": levels, "codes": [lookup[v] if v is not None else -1 for v in clean]}


def price_text(frame: pd.DataFrame, *, lang: str = "en") -> list[str | None]:
    """``"850–900"`` (or one number) from ``price_min_nok_m2`` / ``price_max_nok_m2``, with the basis."""
    lo = pd.to_numeric(frame.get("price_min_nok_m2"), errors="coerce") if "price_min_nok_m2" in frame else None
    hi = pd.to_numeric(frame.get("price_max_nok_m2"), errors="coerce") if "price_max_nok_m2" in frame else None
    if lo is None:
        if hi is None:
            return [None] * len(frame)
        lo = hi
    elif hi is None:
        hi = lo
    basis = frame["price_basis"].astype(object).to_numpy() if "price_basis" in frame else [None] * len(frame)
    out: list[str | None] = []
    for a, b, s in zip(lo.to_numpy(dtype=float), hi.to_numpy(dtype=float), basis, strict=True):
        if np.isnan(a) and np.isnan(b):
            out.append(None)
            continue
        a, b = (b, b) if np.isnan(a) else (a, a) if np.isnan(b) else (a, b)
        text = format_number(a, lang) if a == b else f"{format_number(a, lang)}–{format_number(b, lang)}"
        unit = "\u00a0kr/m²" if lang == "nb" else " NOK/m²"
        basis = f" ({code_label('price_basis', s, lang)})" if isinstance(s, str) and s else ""
        out.append(text + unit + basis)
    return out


def score_criteria(
    frame: pd.DataFrame, *, profile: Any = None, not_applicable: Mapping[str, str] | None = None
) -> list[tuple[str, str, float]]:
    """(criterion, label, maximum points) of the ``contrib_*`` columns, from the profile when given.

    A criterion in ``not_applicable`` (see :attr:`landreg.scoring.ScoreResult.not_applicable`) gets
    0 points and says so in its label; the others' maxima are the weights as applied.
    """
    names = [c[len("contrib_") :] for c in frame.columns if c.startswith("contrib_")]
    if not names:
        return []
    labels: Mapping[str, str] = {}
    weights: Mapping[str, float] = {}
    gone = dict(not_applicable or {})
    if profile is not None and hasattr(profile, "criteria"):
        labels = {k: v.label for k, v in profile.criteria.items()}
        weights = profile.normalised_weights()
        kept = sum(w for c, w in weights.items() if c not in gone)
        weights = {c: (0.0 if c in gone else w / kept) for c, w in weights.items()} if kept > 0 else weights
    labels = {**labels, **{n: f"{labels.get(n, n)} (not applicable: not built yet)" for n in gone}}
    out = []
    for n in names:
        if n in weights:
            max_points = 100.0 * weights[n]
        else:  # without the profile: the largest contribution seen (a lower bound of the weight)
            max_points = float(np.nanmax(frame[f"contrib_{n}"].to_numpy(dtype=float), initial=0.0))
        out.append((n, labels.get(n, n.replace("_", " ")), round(max_points, 1)))
    return out


def plot_payload(
    plots: gpd.GeoDataFrame,
    *,
    classes: Classes,
    profile: Any = None,
    not_applicable: Mapping[str, str] | None = None,
    area_names: Mapping[str, str] | None = None,
    extra_facts: Sequence[tuple[str, str, str, int]] = (),
    extra_columns: Mapping[str, Sequence[Any]] | None = None,
    tooltip_field: str | None = None,
    note: str | None = None,
    decimals: int = PLOT_DECIMALS,
    simplify_m: float = 0.5,
    lang: str = "en",
) -> dict[str, Any]:
    """The JSON that ``landreg.plotLayer`` draws: one polygon per plot, styled by its class.

    Parameters
    ----------
    plots : GeoDataFrame
        Plots in EPSG:25832, optionally scored (``score``, ``rank``, ``contrib_*``,
        ``exclusion_reasons``; see :func:`landreg.scoring.score_plots`).
    classes : Classes
        Class per plot (same order) and the class colours.
    profile : ScoringProfile, optional
        Gives the criteria's labels and weights (maximum points) in the breakdown.
    not_applicable : mapping, optional
        Criteria no plot can score -> reason (:attr:`landreg.scoring.ScoreResult.not_applicable`).
    area_names : mapping, optional
        Business area id -> name.
    extra_facts, extra_columns
        More popup rows and the columns they read (e.g. a scenario's before/after).
    tooltip_field : str, optional
        Column shown after the code in the hover tooltip.
    note : str, optional
        A line under every popup.  What is synthetic about each plot is said in its own popup,
        from its provenance (:func:`synthetic_text`).
    decimals : int
        Coordinate decimals (5 ≈ 1 m).
    simplify_m : float
        Simplification tolerance in metres before the transform.
    lang : {"nb", "en"}
        Language of the popups: labels from the ``maps`` catalog, codes as words.

    Returns
    -------
    dict
    """
    _ = translator(lang, "maps").gettext
    web = to_web(plots, simplify_m=simplify_m)
    kept = plots.index.get_indexer(web.index)
    columns = _attribute_columns(plots, classes=classes, area_names=area_names, lang=lang)
    criteria: list[tuple[str, str, float]] = []
    if "score" in plots.columns:
        criteria = _score_columns(plots, columns, profile=profile, not_applicable=not_applicable, lang=lang)
    for key, values in (extra_columns or {}).items():
        values = list(values)
        columns[key] = (
            _categorical(values) if values and isinstance(values[0], str) else [json_value(v, digits=1) for v in values]
        )
    columns = {k: _subset(v, kept) for k, v in columns.items()}
    facts = [[_(label), column, unit, digits] for label, column, unit, digits in (*PLOT_FACTS, *extra_facts)]
    facts = [f for f in facts if f[1] in columns]
    return {
        "scale": 10**decimals,
        "geoms": encode_polygons(web.geometry.values, decimals=decimals),
        "columns": columns,
        "facts": facts,
        "criteria": [list(c) for c in criteria],
        "profile": _profile_text(profile),
        "colors": classes.colors,
        "missingColor": MISSING_COLOR,
        "className": "landreg-plot",
        "tooltipField": tooltip_field,
        "note": note,
        "words": {text: _(text) for text in SCRIPT_TEXTS},
    }


def _column(frame: pd.DataFrame, name: str) -> list[Any]:
    """The values of a column, or None for every row when the frame lacks it."""
    return frame[name].tolist() if name in frame.columns else [None] * len(frame)


def _attribute_columns(
    f: pd.DataFrame, *, classes: Classes, area_names: Mapping[str, str] | None, lang: str = "en"
) -> dict[str, Any]:
    """Popup columns every plot has: code, name, area, size, price, road, class and the source columns."""
    _ = translator(lang, "maps").gettext
    columns: dict[str, Any] = {
        "code": [json_value(v) for v in _column(f, "code")],
        "name": [json_value(v) for v in _column(f, "name")],
        "area": _categorical(
            [(area_names or {}).get(a, a) if a is not None else None for a in _column(f, "business_area_id")]
        ),
        "daa": [json_value(v / 1000.0, digits=1) if v is not None else None for v in _column(f, "area_m2")],
        "price": _categorical(price_text(f, lang=lang)),
        "new_road": _categorical(
            [_("yes") if v is True else _("no") if v is False else None for v in _column(f, "requires_new_road")]
        ),
        "cls": classes.codes.tolist(),
    }
    for key, source in _SOURCE_COLUMNS.items():
        values = [json_value(v) for v in _column(f, source)]
        if key in _VOCABULARY_COLUMNS:
            values = [None if v is None else code_label(_VOCABULARY_COLUMNS[key], v, lang) for v in values]
        columns[key] = _categorical(values)
    columns["synthetic"] = _categorical(synthetic_text(f))
    return columns


def synthetic_text(frame: pd.DataFrame) -> list[str | None]:
    """Per plot, which of its values are synthetic (e.g. ``"plots, prices, status"``), from its provenance.

    None for a plot with no synthetic value (and for every plot of a frame without provenance).
    """
    if "provenance" not in frame.columns:
        return [None] * len(frame)
    from landreg.provenance import synthetic_groups_of

    records = frame.drop(columns=[frame.geometry.name] if isinstance(frame, gpd.GeoDataFrame) else []).to_dict(
        orient="records"
    )
    return [", ".join(synthetic_groups_of(r)) or None for r in records]


def _score_columns(
    f: pd.DataFrame,
    columns: dict[str, Any],
    *,
    profile: Any,
    not_applicable: Mapping[str, str] | None,
    lang: str = "en",
) -> list[tuple[str, str, float]]:
    """Add score, rank, exclusion reasons and per-criterion points to ``columns``; returns the criteria shown."""
    scores = f["score"].to_numpy(dtype=float)
    columns["score"] = [json_value(v, digits=1) for v in scores]
    ranks = f["rank"].to_numpy(dtype=float) if "rank" in f.columns else np.full(len(f), np.nan)
    n_scored = int(np.isfinite(scores).sum())
    of = translator(lang, "maps").gettext("{rank} of {n}")
    columns["rank"] = [None if np.isnan(r) else of.format(rank=int(r), n=n_scored) for r in ranks]
    reasons = _column(f, "exclusion_reasons")
    columns["reasons"] = [
        ", ".join(map(str, r)) if isinstance(r, (list, tuple, np.ndarray)) and len(r) else None for r in reasons
    ]
    criteria = score_criteria(f, profile=profile, not_applicable=not_applicable)
    if criteria:
        contrib = np.column_stack([f[f"contrib_{c}"].to_numpy(dtype=float) for c, _, _ in criteria])
        contrib = np.where(np.isfinite(contrib), np.round(contrib, 1), 0.0)
        columns["contrib"] = contrib.tolist()
    return criteria


def _profile_text(profile: Any) -> str:
    """The popup's profile line, ``<name> profile, version <v>``; empty without a profile record."""
    record = profile.record() if profile is not None and hasattr(profile, "record") else {}
    return f"{record.get('profile', '')} profile, version {record.get('version', '')}".strip() if record else ""


def _subset(values: Any, kept: np.ndarray) -> Any:
    if len(kept) and (kept == np.arange(len(kept))).all() and isinstance(values, list) and len(values) == len(kept):
        return values
    if isinstance(values, dict):
        return {"levels": values["levels"], "codes": [values["codes"][i] for i in kept]}
    return [values[i] for i in kept]
