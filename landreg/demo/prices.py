"""Synthetic price levels and price histories (NOK per m²), calibrated to cited in-region figures.

The prices are still **synthetic** (every record says ``source = "synthetic"``),
but their *level* is calibrated to the real, cited figures of
:mod:`landreg.prices.references` (``landreg/prices/references.toml``):

* **Sveberg (Malvik), 2018: 1 100 NOK/m²** — the price the rådmann recommended
  for selling a municipal parcel at Sveberg, from two broker valuations
  (Malviknytt, 2018-02-07).
* **Vegsletta (Stjørdal), 2019: 1 400 and 1 650 NOK/m²** — two valuations the
  municipality obtained (Stjørdalens Blad, 2019-02-16); the demo area Hell/Værnes
  is calibrated to their mean, 1 525 NOK/m².

Calibrated means: the expected serviced asking price of the area's plots in the
year of the figure equals the cited figure (:func:`serviced_level_nok_m2`); the
test ``tests/landreg/demo/test_price_calibration.py`` estimates that level from a
generated series and checks it within 10 %.

Everything else is an **assumption**, not a measurement:

* The cited figures are taken as *serviced asking* prices of the demo areas
  Sveberg and Hell/Værnes (a municipality's recommended sale price is the price
  it asks; the sources do not say whether roads, water and sewer are in place).
* Every other area's serviced level is :data:`RELATIVE_LEVEL` times the regional
  level, the mean of the two calibrated areas' levels in the same year.  The
  factors keep the order of the earlier invented bands (central Trondheim
  highest, the E6 corridor next, outlying municipalities lowest); no source
  gives them.
* Prices grow :data:`YEARLY_GROWTH` (4 %) a year; plots of one area spread
  ±:data:`BAND_HALF_WIDTH` around its level; raw land costs :data:`RAW_SHARE`
  of the serviced price; yearly noise ±7 %; transactions 82–98 % of the asking level.

For comparison only (not used to calibrate): rural municipal list prices outside
the region are 220 NOK/m² in Overhalla (2017) and 225 NOK/m² (grovplanert) in
Aure; the outlying demo areas (Støren, Selbu, Frosta, Rissa) come out at about
1.2–1.6 times those, an outcome of the assumed factors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from landreg.prices.references import in_region_references

#: Which cited in-region figures calibrate which demo business area (the area stands for the cited site).
CALIBRATION_REFERENCES: dict[str, tuple[str, ...]] = {
    "sveberg": ("malvik_sveberg_2018",),
    "hell_vaernes": ("stjordal_vegsletta_2019_low", "stjordal_vegsletta_2019_high"),
}
#: Serviced level of the other areas relative to the regional level (mean of the calibrated areas) — assumed.
RELATIVE_LEVEL: dict[str, float] = {
    "torgard": 1.07,
    "heggstadmoen": 1.28,
    "tiller_sandmoen": 1.38,
    "sluppen": 2.59,
    "nyhavna": 1.86,
    "tunga": 1.69,
    "rosten": 1.52,
    "ranheim": 1.45,
    "marienborg": 2.34,
    "tulluan": 0.76,
    "melhus": 0.76,
    "gronora": 0.45,
    "buvika": 0.48,
    "borsa": 0.41,
    "storen": 0.28,
    "selbu": 0.24,
    "frosta": 0.22,
    "rissa": 0.28,
}
#: Plots of one area spread ± this share around the area's serviced level — assumed.
BAND_HALF_WIDTH = 0.2
#: Raw (unserviced) land as a share of the serviced price — assumed.
RAW_SHARE = (0.45, 0.6)
#: Yearly price growth used to date the history — assumed.
YEARLY_GROWTH = 0.04
FIRST_YEAR, LAST_YEAR = 2010, 2026
PRICE_SOURCE = "synthetic"


@dataclass(frozen=True)
class CalibrationAnchor:
    """A demo area whose serviced level is set by cited figures.

    Attributes
    ----------
    area_id : str
        The demo business area.
    year : int
        The year of the cited figures.
    level_nok_m2 : float
        Their mean, NOK per m² of plot.
    reference_ids : tuple of str
        The rows of ``references.toml`` used.
    """

    area_id: str
    year: int
    level_nok_m2: float
    reference_ids: tuple[str, ...]


def calibration_anchors(references: pd.DataFrame | None = None) -> tuple[CalibrationAnchor, ...]:
    """The calibration anchors, read from the cited in-region figures.

    Parameters
    ----------
    references : DataFrame, optional
        From :func:`landreg.prices.load_price_references` (default: the bundled table).

    Returns
    -------
    tuple of CalibrationAnchor
        One per area of :data:`CALIBRATION_REFERENCES`.

    Raises
    ------
    ValueError
        When a reference id is not in the table or one anchor's figures are of different years.
    """
    refs = in_region_references(references).set_index("id")
    anchors = []
    for area_id, ids in CALIBRATION_REFERENCES.items():
        missing = [i for i in ids if i not in refs.index]
        if missing:
            raise ValueError(f"calibration of {area_id!r}: no in-region NOK/m² figure with id {missing}")
        years = {int(y) for y in refs.loc[list(ids), "year"]}
        if len(years) != 1:
            raise ValueError(f"calibration of {area_id!r}: figures {ids} are of several years {sorted(years)}")
        level = float(refs.loc[list(ids), "price_nok_m2"].mean())
        anchors.append(CalibrationAnchor(area_id, years.pop(), level, tuple(ids)))
    return tuple(anchors)


def _grown(level_nok_m2: float, *, from_year: int, to_year: int) -> float:
    return level_nok_m2 * (1 + YEARLY_GROWTH) ** (to_year - from_year)


def serviced_level_nok_m2(
    area_id: str, *, year: int = LAST_YEAR, anchors: tuple[CalibrationAnchor, ...] | None = None
) -> float:
    """The expected serviced asking price (NOK/m²) of an area's plots in ``year``.

    Parameters
    ----------
    area_id : str
        A demo business area.
    year : int
        The year (default: :data:`LAST_YEAR`).
    anchors : tuple of CalibrationAnchor, optional
        Default: :func:`calibration_anchors` of the bundled references.

    Returns
    -------
    float
        The cited level grown to ``year`` for a calibrated area; otherwise
        ``RELATIVE_LEVEL[area_id]`` times the mean of the calibrated areas' levels in ``year``.

    Raises
    ------
    KeyError
        When the area is neither calibrated nor in :data:`RELATIVE_LEVEL`.
    """
    anchors = _ANCHORS if anchors is None else anchors
    by_area = {a.area_id: a for a in anchors}
    if area_id in by_area:
        a = by_area[area_id]
        return _grown(a.level_nok_m2, from_year=a.year, to_year=year)
    if area_id not in RELATIVE_LEVEL:
        raise KeyError(
            f"no price level for business area {area_id!r}: add it to RELATIVE_LEVEL or CALIBRATION_REFERENCES "
            "in landreg/demo/prices.py"
        )
    regional = float(np.mean([_grown(a.level_nok_m2, from_year=a.year, to_year=year) for a in anchors]))
    return RELATIVE_LEVEL[area_id] * regional


_ANCHORS = calibration_anchors()
#: Serviced asking-price band in 2026 (min, max NOK/m²) per business area, from :func:`serviced_level_nok_m2`.
SERVICED_BAND_NOK_M2: dict[str, tuple[float, float]] = {
    area_id: (level * (1 - BAND_HALF_WIDTH), level * (1 + BAND_HALF_WIDTH))
    for area_id in (*CALIBRATION_REFERENCES, *RELATIVE_LEVEL)
    for level in (serviced_level_nok_m2(area_id),)
}


def _round(value: float) -> float:
    return float(round(value / 10.0) * 10.0)


def asking_band(area_id: str, *, serviced: bool, rng: np.random.Generator) -> tuple[float, float]:
    """A plot's asking price (min, max NOK/m², 2026) drawn around its area's level.

    The band's midpoint is drawn uniformly in the area's :data:`SERVICED_BAND_NOK_M2`
    (times a raw share for raw land), so its expected value is the area's level.
    """
    if area_id not in SERVICED_BAND_NOK_M2:
        serviced_level_nok_m2(area_id)  # raises the KeyError that names the fix
    lo, hi = SERVICED_BAND_NOK_M2[area_id]
    share = 1.0 if serviced else rng.uniform(*RAW_SHARE)
    mid = rng.uniform(lo, hi) * share
    spread = rng.uniform(1.05, 1.25)  # max / min
    low = 2 * mid / (1 + spread)
    return _round(low), _round(low * spread)


def _date(year: int, rng: np.random.Generator) -> str:
    return (dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))).isoformat()


def price_history(
    plot_id: str,
    *,
    price_2026_nok_m2: float,
    basis: str,
    fees_included: bool | None,
    status: str,
    sold_year: int | None,
    rng: np.random.Generator,
) -> list[dict[str, object]]:
    """Dated asking (and, for sold plots, transaction) prices of one plot, oldest first.

    Locked plots stop getting asking prices after 2016, when they were locked in this story.
    """
    rows: list[dict[str, object]] = []
    last = {"locked": 2016, "sold": (sold_year or LAST_YEAR) - 1}.get(status, LAST_YEAR)
    year = int(rng.integers(FIRST_YEAR, 2019))
    while year <= last:
        level = _grown(price_2026_nok_m2, from_year=LAST_YEAR, to_year=year) * rng.uniform(0.93, 1.07)
        rows.append(
            {
                "plot_id": plot_id,
                "observed_on": _date(year, rng),
                "kind": "asking",
                "price_nok_m2": _round(level),
                "basis": basis,
                "connection_fees_included": fees_included,
                "source": PRICE_SOURCE,
            }
        )
        year += int(rng.integers(2, 5))
    if status == "sold" and sold_year is not None:
        level = _grown(price_2026_nok_m2, from_year=LAST_YEAR, to_year=sold_year) * rng.uniform(0.82, 0.98)
        rows.append(
            {
                "plot_id": plot_id,
                "observed_on": _date(sold_year, rng),
                "kind": "transaction",
                "price_nok_m2": _round(level),
                "basis": basis,
                "connection_fees_included": fees_included,
                "source": PRICE_SOURCE,
            }
        )
    return rows
