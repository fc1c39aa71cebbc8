"""Raw criterion columns derived from enriched plots, transforms onto 0..1, and hard limits (vectorised)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from landreg.prices.asking import price_nok_m2
from landreg.scoring.profiles import Criterion, Limit, ScoringProfile

_READINESS = {"raw": 0, "zoned": 1, "serviced": 2, "build_ready": 3}
_HAZARDS = ("quick_clay", "flood", "protected_area")


def _num(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def hazard_safety(frame: pd.DataFrame, *, unchecked_hazard: float = 0.7) -> np.ndarray:
    """Minimum over hazards of 1 (checked clear), ``1 - share`` (inside a zone) or ``unchecked_hazard``."""
    out = np.ones(len(frame))
    for name in _HAZARDS:
        status_col = f"{name}_status"
        if status_col not in frame.columns:
            out = np.minimum(out, unchecked_hazard)
            continue
        status = frame[status_col].astype(object).to_numpy()
        share = np.nan_to_num(_num(frame, f"{name}_share"), nan=0.0)
        value = np.where(status == "inside", 1.0 - share, np.where(status == "clear", 1.0, unchecked_hazard))
        out = np.minimum(out, value)
    return out


def derive_criterion_columns(frame: pd.DataFrame, *, unchecked_hazard: float = 0.7) -> pd.DataFrame:
    """The derived raw columns the criteria read, added to a copy of ``frame``.

    Adds ``price_nok_m2``, ``area_daa``, ``readiness_rank`` (0 raw .. 3 build-ready),
    ``hazard_safety`` (0..1, see :func:`hazard_safety`) and ``road_ready`` (0 when the plot
    needs a new road, else 1).  Existing columns of those names are kept.
    """
    out = frame.copy()
    if "price_nok_m2" not in out.columns:
        out["price_nok_m2"] = price_nok_m2(frame)
    if "area_daa" not in out.columns:
        area = (
            _num(frame, "area_m2")
            if "area_m2" in frame.columns or "geometry" not in frame.columns
            else frame.geometry.area.to_numpy()
        )  # the registry computes area_m2 from the geometry too
        out["area_daa"] = area / 1000.0
    if "readiness_rank" not in out.columns:
        out["readiness_rank"] = (
            frame["readiness"].astype(object).map(_READINESS).astype(float) if "readiness" in frame.columns else np.nan
        )
    if "hazard_safety" not in out.columns:
        out["hazard_safety"] = hazard_safety(frame, unchecked_hazard=unchecked_hazard)
    if "road_ready" not in out.columns:
        out["road_ready"] = (
            np.where(frame["requires_new_road"].fillna(False).astype(bool), 0.0, 1.0)
            if "requires_new_road" in frame.columns
            else np.nan
        )
    return out


def transform_values(raw: np.ndarray, *, criterion: Criterion) -> np.ndarray:
    """``raw`` mapped onto 0..1 by the criterion's transform; NaN stays NaN."""
    raw = np.asarray(raw, dtype=float)
    if criterion.transform == "ideal":
        assert criterion.ideal is not None and criterion.tolerance is not None
        value = 1.0 - np.abs(raw - criterion.ideal) / criterion.tolerance
    else:
        assert criterion.lo is not None and criterion.hi is not None
        value = (raw - criterion.lo) / (criterion.hi - criterion.lo)
        if criterion.transform == "inverse":
            value = 1.0 - value
    return np.clip(value, 0.0, 1.0)


def criterion_matrix(frame: pd.DataFrame, *, profile: ScoringProfile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw values, 0..1 values (missing filled) and the missing mask of the active criteria.

    Returns
    -------
    raw, values, missing : ndarray (n_plots, n_active)
    """
    names = profile.active
    columns = [_num(frame, profile.criteria[c].column) for c in names]
    raw = np.column_stack(columns) if names else np.empty((len(frame), 0))
    values = np.empty_like(raw)
    for j, c in enumerate(names):
        values[:, j] = transform_values(raw[:, j], criterion=profile.criteria[c])
    missing = np.isnan(values)
    fill = np.array([profile.criteria[c].missing for c in names])
    values = np.where(missing, fill[None, :], values)
    return raw, values, missing


def _fmt(x: float) -> str:
    return f"{x:,.1f}" if abs(x) < 1000 else f"{x:,.0f}"


def limit_reasons(
    frame: pd.DataFrame, *, limits: dict[str, Limit], labels: dict[str, str] | None = None
) -> list[list[str]]:
    """Per row, the reasons (text) why hard limits exclude it; empty list = kept."""
    labels = labels or {}
    reasons: list[list[str]] = [[] for _ in range(len(frame))]
    for column, limit in limits.items():
        values = _num(frame, column)
        name = labels.get(column, column)
        unknown = np.isnan(values)
        if not limit.allow_missing:
            for i in np.flatnonzero(unknown):
                reasons[i].append(f"{name}: unknown ({column} missing), a limit applies")
        if limit.min is not None:
            for i in np.flatnonzero(~unknown & (values < limit.min)):
                reasons[i].append(f"{name}: {_fmt(values[i])} below the minimum {_fmt(limit.min)} ({column})")
        if limit.max is not None:
            for i in np.flatnonzero(~unknown & (values > limit.max)):
                reasons[i].append(f"{name}: {_fmt(values[i])} above the maximum {_fmt(limit.max)} ({column})")
    return reasons
