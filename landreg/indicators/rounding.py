"""Figures rounded for people and plain JSON: decares to the square metre, prices to the krone.

The figures themselves keep full precision (:class:`~landreg.indicators.model.Figure`); the
JSON, CSV and spreadsheet forms round each number by what it measures, so a reader sees
``1234.568`` decares rather than ``1234.5678901234567``.
"""

from __future__ import annotations

import math
from typing import Any

from landreg.json_values import json_value

#: Decimals of a figure's value by its unit.
DECIMALS_BY_UNIT: dict[str, int] = {
    "daa": 3,  # 1 m²
    "daa/year": 3,
    "daa/year²": 3,
    "years": 1,
    "NOK/m²": 0,
    "index": 1,
}
#: Decimals of a synthetic share (0–1).
SHARE_DECIMALS = 4
#: Decimals of any other number.
OTHER_DECIMALS = 6


def _decimals_for_key(key: str, inherited: int) -> int:
    if key.endswith("nok_m2"):
        return DECIMALS_BY_UNIT["NOK/m²"]
    if key.endswith("daa") or key.endswith("daa_per_year"):
        return DECIMALS_BY_UNIT["daa"]
    if key.startswith("years_of_supply"):
        return DECIMALS_BY_UNIT["years"]
    if key == "index":
        return DECIMALS_BY_UNIT["index"]
    if key.endswith("share"):
        return SHARE_DECIMALS
    return inherited


def round_number(value: float, decimals: int) -> float | int | None:
    """``value`` rounded to ``decimals`` (an integer when ``decimals`` is 0; None for NaN and infinity)."""
    if not math.isfinite(value):
        return None
    out = round(value, decimals)
    if decimals == 0:
        return int(out)
    return out + 0.0  # no -0.0


def rounded(value: Any, *, unit: str | None = None, decimals: int | None = None) -> Any:
    """A figure's value (or detail) as plain JSON values, each number rounded by what it measures.

    Parameters
    ----------
    value : any
        A number, or dicts and lists of them (keys like ``median_nok_m2`` or ``daa`` say the unit).
    unit : str, optional
        The figure's unit (:data:`DECIMALS_BY_UNIT`), for numbers whose key does not say it.
    decimals : int, optional
        Decimals of numbers whose key does not say their unit (default from ``unit``).

    Returns
    -------
    any
        Plain JSON values; integers stay integers.
    """
    if decimals is None:
        decimals = DECIMALS_BY_UNIT.get(unit or "", OTHER_DECIMALS)
    value = json_value(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | str):
        return value
    if isinstance(value, float):
        return round_number(value, decimals)
    if isinstance(value, dict):
        return {k: rounded(v, decimals=_decimals_for_key(str(k), decimals)) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v, decimals=decimals) for v in value]
    return value
