"""Synthetic price levels and price histories (NOK per m²).

**The numbers are invented.**  No public land-price figures for the region were
available in the project's sources: the only figure in the context documents is
relative — business land here costs 2–3 times as much as near Copenhagen or
Gothenburg (context 000, the Hell meeting notes) — and it gives no level to
calibrate against.  The bands below only keep a plausible order: central
Trondheim highest, the E6 corridor south and east next, outlying municipalities
lowest, raw land at about half the serviced price, and a steady rise of about
4 % a year since 2010.  Replace them with real figures before drawing conclusions.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

#: Serviced asking-price band in 2026 (min, max NOK/m²) per business area — invented.
SERVICED_BAND_NOK_M2: dict[str, tuple[float, float]] = {
    "torgard": (1300, 1800),
    "heggstadmoen": (1500, 2200),
    "tiller_sandmoen": (1600, 2400),
    "sluppen": (3000, 4500),
    "nyhavna": (2200, 3200),
    "tunga": (2000, 2900),
    "rosten": (1800, 2600),
    "ranheim": (1700, 2500),
    "marienborg": (2800, 4000),
    "tulluan": (900, 1300),
    "sveberg": (1400, 1900),
    "melhus": (900, 1300),
    "gronora": (500, 800),
    "buvika": (550, 850),
    "borsa": (450, 750),
    "hell_vaernes": (1000, 1500),
    "storen": (300, 500),
    "selbu": (250, 450),
    "frosta": (250, 400),
    "rissa": (300, 500),
}
#: Raw (unserviced) land as a share of the serviced price — invented.
RAW_SHARE = (0.45, 0.6)
#: Yearly price growth used to date the history backwards from 2026 — invented.
YEARLY_GROWTH = 0.04
FIRST_YEAR, LAST_YEAR = 2010, 2026
PRICE_SOURCE = "synthetic"


def _round(value: float) -> float:
    return float(round(value / 10.0) * 10.0)


def asking_band(area_id: str, *, serviced: bool, rng: np.random.Generator) -> tuple[float, float]:
    """A plot's asking price (min, max NOK/m², 2026) drawn inside its area's band."""
    lo, hi = SERVICED_BAND_NOK_M2[area_id]
    share = 1.0 if serviced else rng.uniform(*RAW_SHARE)
    a = rng.uniform(lo, hi) * share
    return _round(a), _round(a * rng.uniform(1.05, 1.25))


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
        level = price_2026_nok_m2 * (1 + YEARLY_GROWTH) ** (year - LAST_YEAR) * rng.uniform(0.93, 1.07)
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
        level = price_2026_nok_m2 * (1 + YEARLY_GROWTH) ** (sold_year - LAST_YEAR) * rng.uniform(0.82, 0.98)
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
