"""Reading and checking a benchmark table (``benchmarks.toml`` or a user's file of the same schema).

A table is a TOML file of ``[[benchmark]]`` rows; the fields are described at the
top of the bundled ``landreg/prices/benchmarks.toml``.  Every problem is reported
with the file, the row (counted from 1, with its line and id) and the field.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from landreg.errors import ConfigurationError

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
    "bound",
    "per",
    "price_type",
    "land_use",
    "basis",
    "connection_fees_included",
    "nok_per_unit",
    "rate_date",
    "rate_source",
    "price_nok_m2",
    "conversion",
    "like_for_like",
    "relative_to",
    "ratio_low",
    "ratio_high",
    "url",
    "quote",
    "reference",
    "note",
)
STATUSES = ("measured", "claim", "missing")
LIKE_FOR_LIKE = ("yes", "partly", "no", "missing")
BENCHMARK_BASES = ("raw", "serviced", "unknown")
#: ``per``: the area a price is per — m² of plot, or m² of gross floor area (bruttoarea) of the building.
PRICE_AREAS = ("plot", "gross_floor_area")
#: ``bound``: the source gives only an upper ("under 500") or lower bound.
PRICE_BOUNDS = ("upper", "lower")

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_Check = Callable[[Any], str | None]  # returns what was expected, or None when the value is fine


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "a non-empty text"


def _date_or_text(value: Any) -> str | None:
    return None if isinstance(value, dt.date) or _text(value) is None else "a date (2025-01-01) or a period as text"


def _positive(value: Any) -> str | None:
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
    return None if ok else "a number above 0"


def _choice(options: tuple[str, ...]) -> _Check:
    return lambda value: None if value in options else f"one of {', '.join(repr(o) for o in options)}"


def _pattern(regex: str, expected: str) -> _Check:
    return lambda value: None if isinstance(value, str) and re.fullmatch(regex, value) else expected


def _id_list(value: Any) -> str | None:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v for v in value)
    return None if ok else 'a list of benchmark ids, e.g. ["copenhagen", "gothenburg"]'


#: field -> check of its value (every field is optional unless the row rules below need it).
FIELD_CHECKS: dict[str, _Check] = {
    "id": lambda v: None if isinstance(v, str) and _ID.match(v) else "lower-case letters, digits, '_' or '-'",
    "region": _text,
    "country": _pattern(r"[A-Z]{2}", "a two-letter ISO 3166 country code, e.g. 'DK'"),
    "status": _choice(STATUSES),
    "source": _text,
    "date": _date_or_text,
    "currency": _pattern(r"[A-Z]{3}", "a three-letter ISO 4217 currency code, e.g. 'DKK'"),
    "price_per_m2": _positive,
    "bound": _choice(PRICE_BOUNDS),
    "per": _choice(PRICE_AREAS),
    "price_type": _text,
    "land_use": _text,
    "basis": _choice(BENCHMARK_BASES),
    "connection_fees_included": lambda v: None if isinstance(v, bool) else "true or false (leave out when unknown)",
    "nok_per_unit": _positive,
    "rate_date": _date_or_text,
    "rate_source": _text,
    "like_for_like": _choice(LIKE_FOR_LIKE),
    "relative_to": _id_list,
    "ratio_low": _positive,
    "ratio_high": _positive,
    "url": _pattern(r"https?://\S+", "an http(s) URL"),
    "quote": _text,
    "reference": _text,
    "note": _text,
}
_REQUIRED = ("id", "region", "status", "like_for_like")
_NEEDED_BY_STATUS = {
    "measured": ("price_per_m2", "currency", "source", "date"),
    "claim": ("source",),
    "missing": (),
}
#: A claim states either a ratio to other rows or a price (e.g. one party's claim in a case).
_CLAIM_FORMS = (("relative_to", "ratio_low", "ratio_high"), ("price_per_m2", "currency", "date"))
#: Fields that only make sense beside a price.
_PRICE_FIELDS = ("bound", "per")


def _row_problems(row: dict[str, Any]) -> list[tuple[str, str]]:
    """(field, problem) pairs of one row."""
    problems = []
    for name, value in row.items():
        if name not in FIELD_CHECKS:
            problems.append((name, f"unknown field; the fields are {', '.join(FIELD_CHECKS)}"))
            continue
        expected = FIELD_CHECKS[name](value)
        if expected is not None:
            problems.append((name, f"expected {expected}, got {value!r}"))
    status = row.get("status")
    needed = [*_REQUIRED, *_NEEDED_BY_STATUS.get(status, ())] if isinstance(status, str) else _REQUIRED
    for name in needed:
        if name not in row:
            why = "every row needs it" if name in _REQUIRED else f"a {status} row needs it"
            problems.append((name, f"missing ({why})"))
    if "price_per_m2" in row and status not in ("measured", "claim"):
        problems.append(("status", f"a row with a price must have status 'measured' or 'claim', got {status!r}"))
    if "price_per_m2" not in row:
        problems += [(name, "only a row with price_per_m2 may have it") for name in _PRICE_FIELDS if name in row]
    if status == "claim" and not any(all(f in row for f in form) for form in _CLAIM_FORMS):
        problems.append(
            ("status", "a claim needs relative_to, ratio_low and ratio_high, or price_per_m2, currency and date")
        )
    problems += _rate_problems(row)
    if status == "missing" and row.get("like_for_like") not in (None, "missing"):
        problems.append(("like_for_like", f"a missing row has like_for_like 'missing', got {row['like_for_like']!r}"))
    low, high = row.get("ratio_low"), row.get("ratio_high")
    if isinstance(low, (int, float)) and isinstance(high, (int, float)) and low > high:
        problems.append(("ratio_high", f"expected at least ratio_low ({low}), got {high}"))
    return problems


def _rate_problems(row: dict[str, Any]) -> list[tuple[str, str]]:
    """A conversion needs a cited rate: its date and source; NOK needs none (its rate is 1)."""
    if "nok_per_unit" not in row:
        return []
    if row.get("currency") == "NOK":
        ok = row["nok_per_unit"] == 1
        return [] if ok else [("nok_per_unit", f"a NOK price has rate 1 (or none), got {row['nok_per_unit']!r}")]
    return [
        (f, "missing (a converted price needs the rate's date and source)")
        for f in ("rate_date", "rate_source")
        if f not in row
    ]


def _conversion(row: pd.Series) -> str:
    if pd.isna(row["price_per_m2"]):
        return ""
    if row["currency"] == "NOK":
        return "none needed (NOK)"
    if pd.isna(row["nok_per_unit"]):
        return f"missing (no cited {row['currency']}→NOK rate)"
    return f"{row['nok_per_unit']:g} NOK per {row['currency']} ({row['rate_date']}, {row['rate_source']})"


def _header_lines(text: str) -> list[int]:
    """Line numbers (from 1) of the ``[[benchmark]]`` headers, in order."""
    return [i for i, line in enumerate(text.splitlines(), start=1) if line.split("#")[0].strip() == "[[benchmark]]"]


def _read_rows(path: Path) -> tuple[list[dict[str, Any]], list[int]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigurationError(f"benchmark table {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read benchmark table {path}: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"benchmark table {path} is not valid TOML: {exc}") from exc
    rows = data.get("benchmark")
    extra = sorted(k for k in data if k != "benchmark")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows) or extra:
        found = f"top-level keys {sorted(data)}" if data else "nothing"
        raise ConfigurationError(
            f"benchmark table {path}: expected one or more [[benchmark]] tables (and nothing else), found {found}"
        )
    return rows, _header_lines(text)


def load_benchmarks(path: str | Path | None = None) -> pd.DataFrame:
    """A benchmark table as a DataFrame, with ``price_nok_m2 = price_per_m2 * nok_per_unit``.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file with ``[[benchmark]]`` rows in the schema of the bundled
        table (default: :data:`BENCHMARKS_PATH`).

    Returns
    -------
    DataFrame
        :data:`BENCHMARK_COLUMNS`; unknown values are NaN/None; dates as ISO text.
        ``price_nok_m2`` is the price in NOK (rate 1 for NOK), NaN when there is no
        price or no cited rate; ``conversion`` says which rate was used or that it is missing.
        ``attrs["path"]`` names the file.

    Raises
    ------
    ConfigurationError
        When the file cannot be read or a row breaks the schema: an unknown
        field, a value of the wrong type or out of range, a field the row's
        status needs left out (a measured row needs ``price_per_m2``, ``currency``,
        ``source`` and ``date``; a claim needs ``source`` and either ``relative_to``
        with the ratios or a price with its currency and date; a rate to NOK needs
        ``rate_date`` and ``rate_source``), a duplicate id, or a claim relative to an
        id the table does not hold.  The message lists every problem with the
        file, row (from 1, with its line) and field.
    """
    path = BENCHMARKS_PATH if path is None else Path(path)
    rows, lines = _read_rows(path)
    ids = [r.get("id") for r in rows]
    problems = []
    for i, row in enumerate(rows):
        line = f"line {lines[i]}, " if len(lines) == len(rows) else ""
        where = f"{path.name} row {i + 1} ({line}id {row.get('id', '?')!r})"
        found = _row_problems(row)
        if ids.count(row.get("id")) > 1 and "id" in row:
            found.append(("id", f"{row['id']!r} is used by more than one row"))
        for other in row.get("relative_to", []) if isinstance(row.get("relative_to"), list) else []:
            if other not in ids:
                found.append(("relative_to", f"no row with id {other!r} in this table"))
        problems += [f"{where}, field {name!r}: {what}" for name, what in found]
    if problems:
        raise ConfigurationError(
            f"invalid benchmark table {path} (the fields are described at the top of {BENCHMARKS_PATH}):\n  "
            + "\n  ".join(problems)
        )
    frame = pd.DataFrame(
        [
            {c: row[c].isoformat() if isinstance(row.get(c), dt.date) else row.get(c) for c in BENCHMARK_COLUMNS}
            for row in rows
        ],
        columns=BENCHMARK_COLUMNS,
    )
    for col in ("price_per_m2", "nok_per_unit", "ratio_low", "ratio_high"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    rate = frame["nok_per_unit"].where(frame["currency"] != "NOK", 1.0)
    frame["price_nok_m2"] = frame["price_per_m2"] * rate
    frame["conversion"] = [_conversion(row) for _, row in frame.iterrows()]
    frame.attrs["path"] = str(path)
    return frame
