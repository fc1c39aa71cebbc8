"""The indicator report as tables for open data: one row per figure, per year, per price group, ...

Each :class:`IndicatorTable` names its columns in bokmål and English (:class:`Column`) and holds
its rows under stable keys; :meth:`IndicatorTable.labelled` gives the frame with the headers of
one language.  Numbers are rounded as in the report's JSON (:mod:`landreg.indicators.rounding`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pandas as pd

from landreg.indicators.model import Figure, IndicatorReport, ScopeIndicators
from landreg.indicators.rounding import SHARE_DECIMALS, rounded

#: Figures whose value is a table of its own (not one number).
TABLE_FIGURES = (
    "uptake_daa_per_year",
    "supply_daa_by_year",
    "asking_price_nok_m2",
    "price_index",
    "price_references",
)
#: The scopes' names per language.
SCOPE_NAMES = {
    "region": {"nb": "region", "en": "region"},
    "municipality": {"nb": "kommune", "en": "municipality"},
    "business_area": {"nb": "næringsområde", "en": "business area"},
}


@dataclass(frozen=True)
class Column:
    """One column: its key in the rows, its header in bokmål and in English."""

    key: str
    nb: str
    en: str

    def header(self, lang: str) -> str:
        """The header in ``lang`` (``"nb"`` or ``"en"``)."""
        return self.nb if lang == "nb" else self.en


@dataclass(frozen=True)
class IndicatorTable:
    """One open-data table of the indicators.

    Attributes
    ----------
    id : str
        Stable id, e.g. ``"indicators"``.
    name : dict
        File name without suffix per language, e.g. ``{"nb": "indikatorer", "en": "indicators"}``.
    title, description : dict
        Per language.
    columns : tuple of Column
    rows : DataFrame
        Columns named by the columns' keys.
    synthetic_share : float
        The largest synthetic share among the figures the table holds.
    """

    id: str
    name: dict[str, str]
    title: dict[str, str]
    description: dict[str, str]
    columns: tuple[Column, ...]
    rows: pd.DataFrame
    synthetic_share: float

    def labelled(self, lang: str) -> pd.DataFrame:
        """The rows with the headers of ``lang`` (scope names and texts in that language)."""
        frame = self.rows[[c.key for c in self.columns]].copy()
        if "scope" in frame.columns:
            frame["scope"] = [SCOPE_NAMES[s][lang] for s in frame["scope"]]
        for key in ("definition", "note"):
            if key in frame.columns:
                frame[key] = [d.get(lang, "") if isinstance(d, dict) else d for d in frame[key]]
        return frame.rename(columns={c.key: c.header(lang) for c in self.columns})


_SCOPE_COLUMNS = (Column("scope", "nivå", "level"), Column("key", "kode", "key"), Column("name", "navn", "name"))
_SHARE = Column("synthetic_share", "syntetisk_andel", "synthetic_share")


def _each(report: IndicatorReport, figure_id: str) -> Iterator[tuple[ScopeIndicators, Figure]]:
    for scope in report.scopes:
        for fig in scope.figures:
            if fig.id == figure_id:
                yield scope, fig


def _share(figures: list[Figure]) -> float:
    return max((f.synthetic_share for f in figures), default=0.0)


def _scope_row(scope: ScopeIndicators, fig: Figure) -> dict[str, Any]:
    return {
        "scope": scope.scope,
        "key": scope.key,
        "name": scope.name,
        "synthetic_share": round(fig.synthetic_share, SHARE_DECIMALS),
    }


def _figures_table(report: IndicatorReport) -> IndicatorTable:
    rows, used = [], []
    for scope in report.scopes:
        for fig in scope.figures:
            if fig.id in TABLE_FIGURES:
                continue
            used.append(fig)
            rows.append(
                {
                    **_scope_row(scope, fig),
                    "figure": fig.id,
                    "value": rounded(fig.value, unit=fig.unit),
                    "unit": fig.unit,
                    "as_of": fig.as_of.date().isoformat(),
                    "definition": dict(fig.definition),
                    "note": dict(fig.note),
                }
            )
    columns = (
        *_SCOPE_COLUMNS,
        Column("figure", "indikator", "figure"),
        Column("value", "verdi", "value"),
        Column("unit", "enhet", "unit"),
        Column("as_of", "dato", "as_of"),
        _SHARE,
        Column("definition", "definisjon", "definition"),
        Column("note", "merknad", "note"),
    )
    return IndicatorTable(
        "indicators",
        {"nb": "indikatorer", "en": "indicators"},
        {"nb": "Indikatorer for næringsareal", "en": "Business land indicators"},
        {
            "nb": "Dekar ledig nå og senere, reservert, låst og solgt, effektive dekar, største sammenhengende "
            "ledige blokk, opptak og år med tilbud, areal som trenger ny vei og i faresoner, per region, "
            "kommune og næringsområde.",
            "en": "Decares available now and later, reserved, locked and sold, effective decares, the largest "
            "contiguous available block, uptake and years of supply, land needing a new road and in hazard "
            "zones, per region, municipality and business area.",
        },
        columns,
        pd.DataFrame(rows, columns=[c.key for c in columns]),
        _share(used),
    )


def _uptake_table(report: IndicatorReport) -> IndicatorTable:
    rows, used = [], []
    for scope, fig in _each(report, "uptake_daa_per_year"):
        used.append(fig)
        for year, daa in (fig.value or {}).items():
            rows.append({**_scope_row(scope, fig), "year": int(year), "daa": rounded(daa, unit="daa")})
    columns = (*_SCOPE_COLUMNS, Column("year", "år", "year"), Column("daa", "dekar", "daa"), _SHARE)
    return IndicatorTable(
        "uptake",
        {"nb": "opptak_per_aar", "en": "uptake_per_year"},
        {"nb": "Opptak av næringsareal per år", "en": "Uptake of business land per year"},
        {
            "nb": "Dekar i tomter som ble solgt eller tatt i bruk hvert år, ifølge registerets historikk.",
            "en": "Decares of plots that became sold or occupied each year, from the registry's history.",
        },
        columns,
        pd.DataFrame(rows, columns=[c.key for c in columns]),
        _share(used),
    )


def _supply_table(report: IndicatorReport) -> IndicatorTable:
    rows, used = [], []
    statuses = ("available_now_daa", "available_later_daa", "reserved_daa", "locked_daa", "sold_daa")
    for scope, fig in _each(report, "supply_daa_by_year"):
        used.append(fig)
        ends = fig.detail.get("ends", {})
        for year, point in (fig.value or {}).items():
            rows.append(
                {
                    **_scope_row(scope, fig),
                    "year": int(year),
                    "at": str(ends.get(year, ""))[:10],
                    **{s: rounded(point.get(s), unit="daa") for s in statuses},
                    "years_of_supply_5y": rounded(point.get("years_of_supply_5y"), unit="years"),
                }
            )
    columns = (
        *_SCOPE_COLUMNS,
        Column("year", "år", "year"),
        Column("at", "dato", "date"),
        Column("available_now_daa", "ledig_nå_daa", "available_now_daa"),
        Column("available_later_daa", "ledig_senere_daa", "available_later_daa"),
        Column("reserved_daa", "reservert_daa", "reserved_daa"),
        Column("locked_daa", "låst_daa", "locked_daa"),
        Column("sold_daa", "solgt_daa", "sold_daa"),
        Column("years_of_supply_5y", "år_med_tilbud_5_år", "years_of_supply_5y"),
        _SHARE,
    )
    return IndicatorTable(
        "supply_over_time",
        {"nb": "ledig_areal_over_tid", "en": "supply_over_time"},
        {"nb": "Ledig areal over tid", "en": "Available land over time"},
        {
            "nb": "Dekar etter status ved utgangen av hvert år (det siste året på referansedatoen), slik "
            "registeret hadde dem da, og år med tilbud ved opptaket de 5 årene før.",
            "en": "Decares by status at the end of each year (the last year at the reference date), as the "
            "registry recorded them then, and years of supply at the uptake of the 5 years before.",
        },
        columns,
        pd.DataFrame(rows, columns=[c.key for c in columns]),
        _share(used),
    )


def _asking_table(report: IndicatorReport) -> IndicatorTable:
    rows, used = [], []
    for scope, fig in _each(report, "asking_price_nok_m2"):
        used.append(fig)
        for group in rounded(fig.value or [], unit=fig.unit):
            rows.append({**_scope_row(scope, fig), **group})
    columns = (
        *_SCOPE_COLUMNS,
        Column("zoning", "reguleringsformål", "zoning"),
        Column("readiness", "byggeklarhet", "readiness"),
        Column("price_basis", "prisgrunnlag", "price_basis"),
        Column("n_plots", "antall_tomter", "n_plots"),
        Column("q25_nok_m2", "nedre_kvartil_kr_m2", "q25_nok_m2"),
        Column("median_nok_m2", "median_kr_m2", "median_nok_m2"),
        Column("q75_nok_m2", "øvre_kvartil_kr_m2", "q75_nok_m2"),
        _SHARE,
    )
    return IndicatorTable(
        "asking_prices",
        {"nb": "prisantydning", "en": "asking_prices"},
        {"nb": "Prisantydning for ledig næringsareal", "en": "Asking prices of business land on offer"},
        {
            "nb": "Median og kvartiler av prisantydningen (kr/m²) for ledige og planlagte tomter, per "
            "reguleringsformål, byggeklarhet og prisgrunnlag.",
            "en": "Median and quartiles of asking prices (NOK/m²) of available and planned plots, per zoning, "
            "readiness and price basis.",
        },
        columns,
        pd.DataFrame(rows, columns=[c.key for c in columns]),
        _share(used),
    )


def _index_table(report: IndicatorReport) -> IndicatorTable:
    fig = report.scope("region").figure("price_index")
    price_class = fig.detail.get("price_class") or {}
    rows = [
        {**r, "basis": price_class.get("basis"), "fees": price_class.get("fees")}
        for r in rounded(fig.value or [], unit=fig.unit)
    ]
    columns = (
        Column("year", "år", "year"),
        Column("index", "indeks", "index"),
        Column("n_observations", "antall_observasjoner", "n_observations"),
        Column("median_nok_m2", "median_kr_m2", "median_nok_m2"),
        Column("basis", "prisgrunnlag", "basis"),
        Column("fees", "tilknytningsavgifter", "connection_fees"),
    )
    return IndicatorTable(
        "price_index",
        {"nb": "prisindeks", "en": "price_index"},
        {"nb": "Prisindeks for næringsareal", "en": "Business land price index"},
        {
            "nb": "Årlig median prisantydning i den vanligste prisklassen, første år = 100.",
            "en": "Yearly median asking price of the most common price class, first year = 100.",
        },
        columns,
        pd.DataFrame(rows, columns=[c.key for c in columns]),
        fig.synthetic_share,
    )


def _locked_table(report: IndicatorReport) -> IndicatorTable:
    rows, used = [], []
    for scope, fig in _each(report, "locked_daa"):
        used.append(fig)
        for decision_id, d in rounded(fig.detail.get("decisions", {}), unit=fig.unit).items():
            rows.append(
                {
                    **_scope_row(scope, fig),
                    "decision_id": decision_id,
                    "title": d.get("title"),
                    "status": d.get("status"),
                    "expected_date": d.get("expected_date"),
                    "daa": d.get("daa"),
                }
            )
    columns = (
        *_SCOPE_COLUMNS,
        Column("decision_id", "vedtak_id", "decision_id"),
        Column("title", "vedtak", "decision"),
        Column("status", "status", "status"),
        Column("expected_date", "forventet_dato", "expected_date"),
        Column("daa", "dekar", "daa"),
        _SHARE,
    )
    return IndicatorTable(
        "locked",
        {"nb": "laast_areal", "en": "locked_land"},
        {"nb": "Låst næringsareal per vedtak", "en": "Business land locked per decision"},
        {
            "nb": "Dekar i tomter som er låst i påvente av et vedtak (f.eks. godsterminalen på Torgård).",
            "en": "Decares of plots locked pending a decision (e.g. the Torgård freight terminal).",
        },
        columns,
        pd.DataFrame(rows, columns=[c.key for c in columns]),
        _share(used),
    )


def _references_table(report: IndicatorReport) -> IndicatorTable:
    fig = report.scope("region").figure("price_references")
    columns = (
        Column("id", "id", "id"),
        Column("price_nok_m2", "kr_m2", "price_nok_m2"),
        Column("place", "sted", "place"),
        Column("municipality_no", "kommunenummer", "municipality_no"),
        Column("year", "år", "year"),
        Column("source", "kilde", "source"),
        Column("url", "url", "url"),
    )
    return IndicatorTable(
        "price_references",
        {"nb": "prisreferanser", "en": "price_references"},
        {"nb": "Siterte tomtepriser i regionen", "en": "Cited land prices in the region"},
        {
            "nb": "Eksterne, siterte tomtepriser (kr/m²) med kilde og lenke.",
            "en": "External, cited land prices (NOK/m²) with source and link.",
        },
        columns,
        pd.DataFrame(rounded(fig.value or [], unit=fig.unit), columns=[c.key for c in columns]),
        0.0,
    )


#: Builders of every table, in the order they are published.
TABLE_BUILDERS: tuple[Callable[[IndicatorReport], IndicatorTable], ...] = (
    _figures_table,
    _uptake_table,
    _supply_table,
    _asking_table,
    _index_table,
    _locked_table,
    _references_table,
)


def indicator_tables(report: IndicatorReport) -> list[IndicatorTable]:
    """Every open-data table of a report.

    Parameters
    ----------
    report : IndicatorReport
        From :func:`~landreg.indicators.compute_indicators`.

    Returns
    -------
    list of IndicatorTable
    """
    return [build(report) for build in TABLE_BUILDERS]
