"""Cited land-price figures (``references.toml``): real prices with their source, URL and verbatim quote.

The table holds only figures read in a published source.  The in-region ones
(Sveberg 2018, Vegsletta 2019, ...) calibrate the synthetic demonstration prices
(:mod:`landreg.demo.prices`) and are drawn as cited points in the price charts;
they are *not* stored as registry price observations, because they belong to no
registry plot and would otherwise be pooled with synthetic prices in summaries,
indices and models.  The fields are described at the top of the bundled file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pandas as pd

from landreg.errors import ConfigurationError

#: The cited table shipped with landreg.
REFERENCES_PATH = Path(__file__).with_name("references.toml")
REFERENCE_COLUMNS = (
    "id",
    "figure",
    "bound",
    "currency",
    "per",
    "price_type",
    "basis",
    "place",
    "municipality_no",
    "country",
    "in_region",
    "year",
    "date",
    "publisher",
    "title",
    "url",
    "quote",
    "derived",
    "derivation",
    "note",
)
_REQUIRED = (
    "id",
    "figure",
    "currency",
    "per",
    "price_type",
    "basis",
    "place",
    "country",
    "in_region",
    "date",
    "publisher",
    "title",
    "url",
    "quote",
)
_CHOICES = {"per": ("plot", "gross_floor_area"), "basis": ("raw", "serviced", "unknown"), "bound": ("upper", "lower")}


def _problem(name: str, value: Any) -> str | None:
    """What a field's value should have been, or None when it is fine."""
    if name in _CHOICES:
        return None if value in _CHOICES[name] else f"one of {', '.join(map(repr, _CHOICES[name]))}"
    if name == "figure":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
        return None if ok else "a number above 0"
    if name == "year":
        return None if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2100 else "a year"
    if name in ("in_region", "derived"):
        return None if isinstance(value, bool) else "true or false"
    if name == "url":
        return None if isinstance(value, str) and value.startswith(("http://", "https://")) else "an http(s) URL"
    if name == "currency":
        return None if isinstance(value, str) and len(value) == 3 and value.isupper() else "an ISO 4217 code"
    if name in REFERENCE_COLUMNS:
        return None if isinstance(value, str) and value.strip() else "a non-empty text"
    return f"a known field ({', '.join(REFERENCE_COLUMNS)})"


def _row_problems(row: dict[str, Any]) -> list[str]:
    found = [f"field {k!r}: expected {p}, got {v!r}" for k, v in row.items() if (p := _problem(k, v)) is not None]
    found += [f"field {k!r}: missing (every row needs it)" for k in _REQUIRED if k not in row]
    if row.get("derived") and "derivation" not in row:
        found.append("field 'derivation': missing (a derived figure says how it was worked out)")
    return found


def load_price_references(path: str | Path | None = None) -> pd.DataFrame:
    """The cited land-price figures as a DataFrame, one row per figure.

    Parameters
    ----------
    path : str or Path, optional
        A TOML file of ``[[reference]]`` rows (default: :data:`REFERENCES_PATH`).

    Returns
    -------
    DataFrame
        :data:`REFERENCE_COLUMNS` plus ``source`` (``"publisher, title, date, url"``)
        and ``label`` (e.g. ``"1 100 NOK/m² — Malviknytt 2018"``).  ``year`` is
        a nullable integer; ``derived`` is False unless the row says otherwise.

    Raises
    ------
    ConfigurationError
        When the file cannot be read, or a row has an unknown field, a value of
        the wrong type, leaves out a required field, or repeats an id; every
        problem is listed with its row and field.
    """
    path = REFERENCES_PATH if path is None else Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"price reference table {path} does not exist") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read price reference table {path}: {exc}") from exc
    rows = data.get("reference")
    if not isinstance(rows, list) or not rows or set(data) != {"reference"}:
        raise ConfigurationError(f"price reference table {path}: expected [[reference]] rows and nothing else")
    ids = [r.get("id") for r in rows]
    problems = []
    for i, row in enumerate(rows, start=1):
        found = _row_problems(row)
        if ids.count(row.get("id")) > 1:
            found.append(f"field 'id': {row.get('id')!r} is used by more than one row")
        problems += [f"row {i} (id {row.get('id', '?')!r}), {p}" for p in found]
    if problems:
        raise ConfigurationError(f"invalid price reference table {path}:\n  " + "\n  ".join(problems))
    frame = pd.DataFrame([{c: row.get(c) for c in REFERENCE_COLUMNS} for row in rows], columns=REFERENCE_COLUMNS)
    frame["figure"] = frame["figure"].astype(float)
    frame["year"] = pd.array(frame["year"].tolist(), dtype="Int64")
    frame["derived"] = frame["derived"].fillna(False).astype(bool)
    frame["in_region"] = frame["in_region"].astype(bool)
    frame["source"] = [
        f"{p}, «{t}», {d}, {u}" for p, t, d, u in zip(frame.publisher, frame.title, frame.date, frame.url, strict=True)
    ]
    frame["label"] = [reference_label(row) for _, row in frame.iterrows()]
    frame.attrs["path"] = str(path)
    return frame


def reference_label(row: pd.Series | dict[str, Any]) -> str:
    """A short label of one cited figure: ``"< 500 SEK/m² floor area — SKR 2022"``.

    Parameters
    ----------
    row : Series or dict
        A row of :func:`load_price_references`.

    Returns
    -------
    str
    """
    bound = {"upper": "< ", "lower": "> "}.get(str(row.get("bound")), "")
    unit = "m² floor area" if row.get("per") == "gross_floor_area" else "m²"
    derived = " (derived)" if row.get("derived") is True else ""
    figure = f"{float(row['figure']):,.0f}".replace(",", " ")
    publisher = str(row["publisher"]).split(" (")[0]
    year = row.get("year")
    when = str(year) if year is not None and not pd.isna(year) else str(row["date"]).split(" (")[0]
    return f"{bound}{figure} {row['currency']}/{unit}{derived} — {publisher} {when}"


def in_region_references(references: pd.DataFrame | None = None) -> pd.DataFrame:
    """The cited figures for Trondheimsregionen (``in_region``), in NOK per m² of plot.

    Parameters
    ----------
    references : DataFrame, optional
        From :func:`load_price_references` (default: the bundled table).

    Returns
    -------
    DataFrame
        The in-region rows with ``price_nok_m2`` (the figure) and ``year``.
    """
    refs = load_price_references() if references is None else references
    keep = refs["in_region"] & (refs["currency"] == "NOK") & (refs["per"] == "plot") & refs["year"].notna()
    return refs[keep].assign(price_nok_m2=lambda f: f["figure"]).reset_index(drop=True)
