"""External reference prices (``benchmarks.toml``) and the comparison of the region with them.

The committed table holds no invented figures: its measured rows copy cited
figures of ``references.toml`` (Kragerø, Aure, Overhalla list prices; the SKR
survey's upper bound per m² of floor area), a region without a public, citable
price has an empty price and ``status = "missing"``, and the region's own claim
(2–3 times Copenhagen/Gothenburg, context document 000) and Ringsted's claimed
compensation for farmland are ``"claim"`` rows.  Conversions to NOK use the
cited rate stated in the row; without one the NOK price stays missing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from landreg.prices.benchmark_table import BENCHMARK_COLUMNS, BENCHMARKS_PATH, load_benchmarks
from landreg.prices.errors import InsufficientPriceDataError, UnknownBenchmarkError
from landreg.prices.observations import ensure_like_for_like, fees_treatment, select_prices

__all__ = [
    "BENCHMARKS_PATH",
    "BENCHMARK_COLUMNS",
    "benchmark_figure",
    "compare_with_benchmarks",
    "load_benchmarks",
    "region_reference_price",
]


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def region_reference_price(
    observations: pd.DataFrame,
    *,
    kind: str = "asking",
    basis: str = "serviced",
    connection_fees_included: bool | None = None,
    fees: str | None = None,
    year: int | None = None,
    mix: bool = False,
) -> dict[str, Any]:
    """The region's median price of one kind and basis in one year (default: the latest year with data).

    ``fees`` (``"included"``, ``"excluded"``, ``"unknown"``) or ``connection_fees_included``
    (True/False) picks one treatment of connection fees (None keeps all, which is
    refused when the selection holds more than one, unless ``mix``).

    Returns
    -------
    dict
        ``price_nok_m2, n_observations, year, kind, basis, fees, price_classes``
        (``fees`` is ``"included"``, ``"excluded"``, ``"unknown"`` or, when
        pooled with ``mix``, ``"mixed"``).

    Raises
    ------
    MixedPriceBasisError
        When the selection holds several connection-fee treatments and ``mix`` is false.
    InsufficientPriceDataError
        When no price matches.
    """
    obs = select_prices(
        observations, kind=kind, basis=basis, fees=fees, connection_fees_included=connection_fees_included
    )
    if obs.empty:
        raise InsufficientPriceDataError(f"no {kind} prices on a {basis} basis")
    year = int(obs["year"].max()) if year is None else int(year)
    obs = obs[obs["year"] == year]
    if obs.empty:
        raise InsufficientPriceDataError(f"no {kind} prices on a {basis} basis in {year}")
    classes = ensure_like_for_like(obs, mix=mix, what="regional reference price")
    treatments = {fees_treatment(v) for v in obs["connection_fees_included"]}
    return {
        "price_nok_m2": float(obs["price_nok_m2"].median()),
        "n_observations": len(obs),
        "year": year,
        "kind": kind,
        "basis": basis,
        "fees": treatments.pop() if len(treatments) == 1 else "mixed",
        "price_classes": tuple(classes),
    }


def compare_with_benchmarks(
    reference: dict[str, Any],
    *,
    benchmarks: Sequence[str] | None = None,
    table: pd.DataFrame | None = None,
    region_label: str = "Trondheimsregionen",
) -> pd.DataFrame:
    """The region's reference price beside the benchmark rows, with like-for-like flags.

    Parameters
    ----------
    reference : dict
        From :func:`region_reference_price`.
    benchmarks : sequence of str, optional
        Benchmark ids (default: every row but the ratio claims).  Ratio claims
        that refer to any of them are added.
    table : DataFrame, optional
        From :func:`load_benchmarks` (default: the shipped table).
    region_label : str
        Name shown for the region's own row.

    Returns
    -------
    DataFrame
        The region's row first, then one row per benchmark: ``id, region, status,
        figure`` (as cited, with its currency, bound and area, see
        :func:`benchmark_figure`), ``price_nok_m2``, ``region_ratio`` (region price /
        benchmark price, only for a measured level per m² of plot in NOK that is at
        least partly like for like; NaN for a missing row, a bound, a price per m² of
        floor area, a claim, a price not converted or a row that is not like for
        like), ``like_for_like`` (``"yes"`` only when the row says so *and* its
        basis, and its treatment of connection fees when the row states one, are the
        region's; ``"yes"`` or ``"partly"`` become ``"no"`` for another known basis or a
        price per m² of floor area), ``claimed_ratio`` (ratio claims), ``source, url,
        conversion, date, note``.

    Raises
    ------
    UnknownBenchmarkError
        When an id is not in the table.
    """
    table = load_benchmarks() if table is None else table
    ratio_claim = (table["status"] == "claim") & table["relative_to"].map(lambda r: isinstance(r, list))
    known = table.loc[~ratio_claim, "id"].tolist()
    wanted = known if benchmarks is None else [b.strip().lower() for b in benchmarks if b.strip()]
    unknown = [b for b in wanted if b not in set(table["id"])]
    if unknown:
        where = f" {table.attrs['path']}" if table.attrs.get("path") else ""
        raise UnknownBenchmarkError(f"unknown benchmark(s) {unknown}; the table{where} has {sorted(known)}")
    chosen = table[table["id"].isin(wanted)]
    claims = table[
        ratio_claim & table["relative_to"].map(lambda r: bool(set(r or []) & set(wanted))) & ~table["id"].isin(wanted)
    ]
    region_price = float(reference["price_nok_m2"])
    rows = [
        {
            "id": "region",
            "region": region_label,
            "status": "measured (registry)",
            "figure": f"{region_price:,.0f} NOK/m² (median)".replace(",", " "),
            "price_nok_m2": region_price,
            "region_ratio": 1.0,
            "like_for_like": "reference",
            "claimed_ratio": "",
            "source": f"landreg registry: median {reference['kind']} price, {reference['basis']} basis, "
            f"{reference['year']} (n={reference['n_observations']})",
            "url": "",
            "conversion": "",
            "date": str(reference["year"]),
            "note": "; ".join(reference.get("price_classes", ())),
        }
    ]
    for _, b in pd.concat([chosen, claims]).iterrows():
        price = b["price_nok_m2"]
        like = b["like_for_like"]
        if like in ("yes", "partly") and not _comparable(b, reference, strict=like == "yes"):
            like = "no"
        claimed = (
            f"{b['ratio_low']:g}–{b['ratio_high']:g}× {', '.join(b['relative_to'] or [])}"
            if isinstance(b["relative_to"], list)
            else ""
        )
        rows.append(
            {
                "id": b["id"],
                "region": b["region"],
                "status": b["status"],
                "figure": benchmark_figure(b),
                "price_nok_m2": price,
                "region_ratio": region_price / price if _is_level(b) and like != "no" else np.nan,
                "like_for_like": like,
                "claimed_ratio": claimed,
                "source": _text(b["source"]) or "(none: no citable figure)",
                "url": _text(b["url"]),
                "conversion": _text(b["conversion"]),
                "date": _text(b["date"]),
                "note": _text(b["note"]),
            }
        )
    return pd.DataFrame(rows)


def benchmark_figure(row: pd.Series) -> str:
    """A benchmark row's figure as cited, e.g. ``"80 NOK/m²"``, ``"< 500 SEK/m² floor area"``, ``"missing"``.

    Parameters
    ----------
    row : Series
        A row of :func:`load_benchmarks`.

    Returns
    -------
    str
        Empty for a ratio claim (its ratio is in ``claimed_ratio``).
    """
    price = row["price_per_m2"]
    if price is None or not np.isfinite(price):
        return "" if row["status"] == "claim" else "missing"
    bound = {"upper": "< ", "lower": "> "}.get(_text(row.get("bound")), "")
    unit = "m² floor area" if row.get("per") == "gross_floor_area" else "m²"
    claim = " (claim)" if row["status"] == "claim" else ""
    return f"{bound}{price:,.0f} {row['currency']}/{unit}{claim}".replace(",", " ")


def _is_level(row: pd.Series) -> bool:
    """Whether a row's NOK price is a measured level per m² of plot (so a ratio to it means something)."""
    price = row["price_nok_m2"]
    return (
        row["status"] == "measured"
        and np.isfinite(price)
        and price > 0
        and not _text(row.get("bound"))
        and _text(row.get("per")) in ("", "plot")
    )


def _comparable(row: pd.Series, reference: dict[str, Any], *, strict: bool) -> bool:
    """Whether a row can be like for like with the reference: per m² of plot, of its basis and fee treatment.

    A row of another known basis (raw vs serviced), or priced per m² of floor area, never is.
    ``strict`` (a "yes") also needs the basis stated and, when the row states one, the same fee treatment.
    """
    if _text(row.get("per")) not in ("", "plot"):
        return False
    if row["basis"] in ("raw", "serviced") and row["basis"] != reference["basis"]:
        return False
    return _same_class(row, reference) if strict else True


def _same_class(row: pd.Series, reference: dict[str, Any]) -> bool:
    """Whether a benchmark row is of the reference's basis and (when the row states it) fee treatment."""
    if row["basis"] != reference["basis"]:
        return False
    flag = row["connection_fees_included"]
    if flag is None or (isinstance(flag, float) and np.isnan(flag)):
        return True
    return fees_treatment(flag) == reference.get("fees")
