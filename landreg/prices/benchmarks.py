"""External reference prices (``benchmarks.toml``) and the comparison of the region with them.

The committed table holds no invented figures: a region without a public,
citable price has an empty price and ``status = "missing"``; the region's own
claim (2–3 times Copenhagen/Gothenburg, context document 000) is kept as a
``"claim"`` row.  Conversions to NOK use the rate stated in the row.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from landreg.errors import ConfigurationError
from landreg.prices.errors import InsufficientPriceDataError, UnknownBenchmarkError
from landreg.prices.observations import ensure_like_for_like, select_prices

#: The table shipped with landreg.
BENCHMARKS_PATH = Path(__file__).with_name("benchmarks.toml")
BENCHMARK_COLUMNS = (
    "id",
    "region",
    "country",
    "status",
    "source",
    "date",
    "currency",
    "price_per_m2",
    "land_use",
    "basis",
    "connection_fees_included",
    "nok_per_unit",
    "rate_date",
    "rate_source",
    "price_nok_m2",
    "like_for_like",
    "relative_to",
    "ratio_low",
    "ratio_high",
    "note",
)
_STATUSES = {"measured", "claim", "missing"}
_LIKE = {"yes", "partly", "no", "missing"}


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def load_benchmarks(path: str | Path | None = None) -> pd.DataFrame:
    """The benchmark table as a DataFrame, with ``price_nok_m2 = price_per_m2 * nok_per_unit``.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file with ``[[benchmark]]`` rows (default: :data:`BENCHMARKS_PATH`).

    Returns
    -------
    DataFrame
        :data:`BENCHMARK_COLUMNS`; unknown values are NaN/None.  ``price_nok_m2``
        is NaN unless both the price and the rate are given.

    Raises
    ------
    ConfigurationError
        When the file is malformed: a missing ``id``, an unknown ``status`` or
        ``like_for_like``, a ``measured`` row without price or source, or a
        row with a price but not ``measured``.
    """
    path = BENCHMARKS_PATH if path is None else Path(path)
    try:
        rows = tomllib.loads(path.read_text(encoding="utf-8")).get("benchmark", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read benchmark table {path}: {exc}") from exc
    problems = []
    for i, row in enumerate(rows):
        where = f"{path.name} row {i} ({row.get('id', '?')})"
        if not row.get("id"):
            problems.append(f"{where}: missing id")
        if row.get("status") not in _STATUSES:
            problems.append(f"{where}: status must be one of {sorted(_STATUSES)}, got {row.get('status')!r}")
        if row.get("like_for_like") not in _LIKE:
            problems.append(f"{where}: like_for_like must be one of {sorted(_LIKE)}, got {row.get('like_for_like')!r}")
        has_price = row.get("price_per_m2") is not None
        if row.get("status") == "measured" and not (has_price and row.get("source") and row.get("date")):
            problems.append(f"{where}: a measured row needs price_per_m2, source and date")
        if has_price and row.get("status") != "measured":
            problems.append(f"{where}: a row with a price must have status 'measured'")
    if problems:
        raise ConfigurationError("invalid benchmark table:\n  " + "\n  ".join(problems))
    frame = pd.DataFrame([{c: row.get(c) for c in BENCHMARK_COLUMNS} for row in rows], columns=BENCHMARK_COLUMNS)
    for col in ("price_per_m2", "nok_per_unit", "ratio_low", "ratio_high"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["price_nok_m2"] = frame["price_per_m2"] * frame["nok_per_unit"]
    return frame


def region_reference_price(
    observations: pd.DataFrame,
    *,
    kind: str = "asking",
    basis: str = "serviced",
    connection_fees_included: bool | None = None,
    year: int | None = None,
    mix: bool = False,
) -> dict[str, Any]:
    """The region's median price of one kind and basis in one year (default: the latest year with data).

    ``connection_fees_included`` picks one treatment of connection fees (None keeps
    all, which is refused when the selection holds more than one, unless ``mix``).

    Returns
    -------
    dict
        ``price_nok_m2, n_observations, year, kind, basis, price_classes``.

    Raises
    ------
    MixedPriceBasisError
        When the selection holds several connection-fee treatments and ``mix`` is false.
    InsufficientPriceDataError
        When no price matches.
    """
    obs = select_prices(observations, kind=kind, basis=basis, connection_fees_included=connection_fees_included)
    if obs.empty:
        raise InsufficientPriceDataError(f"no {kind} prices on a {basis} basis")
    year = int(obs["year"].max()) if year is None else int(year)
    obs = obs[obs["year"] == year]
    if obs.empty:
        raise InsufficientPriceDataError(f"no {kind} prices on a {basis} basis in {year}")
    classes = ensure_like_for_like(obs, mix=mix, what="regional reference price")
    return {
        "price_nok_m2": float(obs["price_nok_m2"].median()),
        "n_observations": len(obs),
        "year": year,
        "kind": kind,
        "basis": basis,
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
        Benchmark ids (default: every measured or missing row).  Claims that
        refer to any of them are added.
    table : DataFrame, optional
        From :func:`load_benchmarks` (default: the shipped table).
    region_label : str

    Returns
    -------
    DataFrame
        The region's row first, then one row per benchmark: ``id, region, status,
        price_nok_m2, region_ratio`` (region price / benchmark price, NaN when
        missing), ``like_for_like`` (``"yes"`` only when the row says so *and* its
        basis is the region's), ``claimed_ratio`` (claims), ``source, date, note``.

    Raises
    ------
    UnknownBenchmarkError
        When an id is not in the table.
    """
    table = load_benchmarks() if table is None else table
    known = table.loc[table["status"] != "claim", "id"].tolist()
    wanted = known if benchmarks is None else [b.strip().lower() for b in benchmarks if b.strip()]
    unknown = [b for b in wanted if b not in set(table["id"])]
    if unknown:
        raise UnknownBenchmarkError(f"unknown benchmark(s) {unknown}; the table has {sorted(known)}")
    chosen = table[table["id"].isin(wanted)]
    claims = table[
        (table["status"] == "claim")
        & table["relative_to"].map(lambda r: bool(set(r or []) & set(wanted)))
        & ~table["id"].isin(wanted)
    ]
    region_price = float(reference["price_nok_m2"])
    rows = [
        {
            "id": "region",
            "region": region_label,
            "status": "measured (registry)",
            "price_nok_m2": region_price,
            "region_ratio": 1.0,
            "like_for_like": "reference",
            "claimed_ratio": "",
            "source": f"landreg registry: median {reference['kind']} price, {reference['basis']} basis, "
            f"{reference['year']} (n={reference['n_observations']})",
            "date": str(reference["year"]),
            "note": "; ".join(reference.get("price_classes", ())),
        }
    ]
    for _, b in pd.concat([chosen, claims]).iterrows():
        price = b["price_nok_m2"]
        like = b["like_for_like"]
        if b["status"] == "measured" and like == "yes" and b["basis"] != reference["basis"]:
            like = "no"
        claimed = (
            f"{b['ratio_low']:g}–{b['ratio_high']:g}× {', '.join(b['relative_to'] or [])}"
            if b["status"] == "claim"
            else ""
        )
        rows.append(
            {
                "id": b["id"],
                "region": b["region"],
                "status": b["status"],
                "price_nok_m2": price,
                "region_ratio": region_price / price if np.isfinite(price) and price > 0 else np.nan,
                "like_for_like": like,
                "claimed_ratio": claimed,
                "source": _text(b["source"]) or "(none: no citable figure)",
                "date": _text(b["date"]),
                "note": _text(b["note"]),
            }
        )
    return pd.DataFrame(rows)
