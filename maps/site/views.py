"""What one page shows of a scope's figures: the table rows, the charts and the price tables, in one language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from landreg.i18n import code_label, format_date, format_nok_m2, format_number
from landreg.indicators import IndicatorReport, ScopeIndicators
from maps.site.charts import Chart, column_chart, hbar_chart, stacked_column_chart
from maps.site.labels import FIGURE_LABELS, STATUS_FIGURES, format_figure, format_value, label_of, share_text


@dataclass(frozen=True)
class FigureRow:
    """One row of a page's figure table.

    Attributes
    ----------
    id, label : str
        The figure's id and translated name.
    value : str
        Formatted with its unit.
    raw : str
        The value as computed (``repr``), for machines reading the page.
    share : str
        Its synthetic share (``100 %``).
    note, definition : str
        Caveat and definition in the page's language.
    """

    id: str
    label: str
    value: str
    raw: str
    share: str
    note: str
    definition: str


class ScopeView:
    """The figures of one scope shown in one language.

    Parameters
    ----------
    scope : ScopeIndicators
        The figures.
    lang : str
        ``"nb"`` or ``"en"``.
    gettext : callable
        The language's ``gettext``.
    """

    def __init__(self, scope: ScopeIndicators, *, lang: str, gettext: Callable[[str], str]) -> None:
        self.scope = scope
        self.lang = lang
        self._ = gettext

    def value(self, figure_id: str) -> str:
        """One figure formatted with its unit."""
        return format_figure(self.scope.figure(figure_id), self.lang, self._)

    def raw(self, figure_id: str) -> str:
        """One figure's value as computed (``repr``; empty when unknown)."""
        value = self.scope.figure(figure_id).value
        return "" if value is None else repr(value)

    def rows(self) -> list[FigureRow]:
        """The table of the scalar figures, in the order of :data:`~maps.site.labels.FIGURE_LABELS`."""
        out = []
        for fid in FIGURE_LABELS:
            f = self.scope.figure(fid)
            out.append(
                FigureRow(
                    fid,
                    label_of(fid, self._),
                    format_figure(f, self.lang, self._),
                    "" if f.value is None else repr(f.value),
                    share_text(f, self.lang),
                    f.note.get(self.lang, ""),
                    f.definition[self.lang],
                )
            )
        return out

    def decisions(self) -> list[dict[str, str]]:
        """The decisions that lock land here: title, status, expected date and decares."""
        detail = self.scope.figure("locked_daa").detail.get("decisions", {})
        out = []
        for dec_id, d in sorted(detail.items()):
            out.append(
                {
                    "id": dec_id,
                    "title": d.get("title") or dec_id,
                    "status": code_label("decision_status", d.get("status"), self.lang),
                    "expected": format_date(d.get("expected_date"), self.lang),
                    "daa": format_value(d.get("daa"), "daa", self.lang, self._),
                }
            )
        return out

    def status_chart(self, chart_id: str) -> Chart:
        """Decares by status as horizontal bars."""
        labels = [self._(label) for _, label, _ in STATUS_FIGURES]
        values = [self.scope.figure(fid).value for fid, _, _ in STATUS_FIGURES]
        parts = [
            f"{label}: {format_value(v, 'daa', self.lang, self._)}" for label, v in zip(labels, values, strict=True)
        ]
        return hbar_chart(
            labels,
            values,
            chart_id=chart_id,
            title=self._("Decares by status"),
            description="; ".join(parts),
            columns=(self._("Status"), self._("Decares")),
            value_text=lambda v: format_value(v, "daa", self.lang, self._),
            colors=[color for _, _, color in STATUS_FIGURES],
        )

    def uptake_chart(self, chart_id: str) -> Chart:
        """Decares that became sold or occupied per year, as columns."""
        figure = self.scope.figure("uptake_daa_per_year")
        per_year: dict[str, Any] = figure.value or {}
        years = sorted(per_year)
        values = [per_year[y] for y in years]
        current = str(figure.as_of.year)  # the year of the figures is counted only up to their date
        labels = [self._("%(year)s (so far)") % {"year": y} if y == current else y for y in years]
        text = "; ".join(
            f"{label}: {format_value(v, 'daa', self.lang, self._)}" for label, v in zip(labels, values, strict=True)
        )
        return column_chart(
            labels,
            values,
            chart_id=chart_id,
            title=self._("Uptake per year"),
            description=(self._("Decares that became sold or occupied each year") + (": " + text if text else "")),
            columns=(self._("Year"), self._("Decares")),
            value_text=lambda v: format_value(v, "daa", self.lang, self._),
            axis_text=lambda v: format_number(v, self.lang),
        )

    def supply_chart(self, chart_id: str) -> Chart:
        """Decares by status at the end of each year (the last column at the figures' date), stacked columns."""
        figure = self.scope.figure("supply_daa_by_year")
        per_year: dict[str, Any] = figure.value or {}
        years = sorted(per_year)
        current = str(figure.as_of.year)  # the figures' own year is shown at their date, not its end
        labels = [self._("%(year)s (now)") % {"year": y} if y == current else y for y in years]
        series = [(self._(label), color, [per_year[y].get(fid) for y in years]) for fid, label, color in STATUS_FIGURES]
        date = as_of_text(figure.as_of, self.lang)
        daa = lambda v: format_value(v, "daa", self.lang, self._)  # noqa: E731
        now = [per_year[y].get("available_now_daa") for y in years]
        summary = self._("Decares by status at the end of each year, the last column at %(date)s.") % {"date": date}
        if years:  # the series starts where the registry's recorded history does; earlier years are not known
            summary += " " + self._("The registry's history begins in %(year)s, so the series starts there.") % {
                "year": years[0]
            }
        if len(years) > 1:
            summary += " " + self._("Available now: %(first)s at the end of %(year)s, %(last)s at %(date)s.") % {
                "first": daa(now[0]),
                "year": years[0],
                "last": daa(now[-1]),
                "date": date,
            }
        supply_years = [format_value(per_year[y].get("years_of_supply_5y"), "years", self.lang, self._) for y in years]
        return stacked_column_chart(
            labels,
            series,
            chart_id=chart_id,
            title=self._("Available land over time"),
            description=summary,
            category=self._("Year"),
            value_text=daa,
            axis_text=lambda v: format_number(v, self.lang),
            extra=[(self._("Years of supply (5-year uptake)"), supply_years)],
        )

    def note(self, figure_id: str) -> str:
        """A figure's caveat in the page's language (empty when none)."""
        return self.scope.figure(figure_id).note.get(self.lang, "")

    def share(self, figure_id: str) -> str:
        """A figure's synthetic share as the page shows it (``100 %``)."""
        return share_text(self.scope.figure(figure_id), self.lang)

    def prices(self) -> list[dict[str, str]]:
        """Median and quartiles of asking prices per zoning, readiness and price basis."""
        groups = self.scope.figure("asking_price_nok_m2").value or []
        return [
            {
                "zoning": code_label("zoning", g.get("zoning"), self.lang),
                "readiness": code_label("readiness", g.get("readiness"), self.lang),
                "basis": code_label("price_basis", g.get("price_basis"), self.lang),
                "n": format_number(g.get("n_plots"), self.lang),
                "q25": format_nok_m2(g.get("q25_nok_m2"), self.lang),
                "median": format_nok_m2(g.get("median_nok_m2"), self.lang),
                "q75": format_nok_m2(g.get("q75_nok_m2"), self.lang),
            }
            for g in groups
        ]


def price_index_chart(report: IndicatorReport, *, lang: str, gettext: Callable[[str], str], chart_id: str) -> Chart:
    """The region's price index (first year = 100) as a line."""
    series = report.scope("region").figure("price_index").value or []
    years = [str(p["year"]) for p in series]
    values = [p.get("index") for p in series]
    text = "; ".join(f"{y}: {format_number(v, lang, decimals=1)}" for y, v in zip(years, values, strict=True))
    return column_chart(
        years,
        values,
        chart_id=chart_id,
        title=gettext("Price index of asking prices"),
        description=gettext("Yearly median asking price, first year = 100") + (": " + text if text else ""),
        columns=(gettext("Year"), gettext("Index")),
        value_text=lambda v: format_number(v, lang, decimals=1),
        axis_text=lambda v: format_number(v, lang),
        line=True,
    )


def price_references(report: IndicatorReport, *, lang: str) -> list[dict[str, str]]:
    """The cited external land prices: place, year, price and source with its URL."""
    refs = report.scope("region").figure("price_references").value or []
    return [
        {
            "place": str(r.get("place", "")),
            "year": str(r.get("year", "")),
            "price": format_nok_m2(r.get("price_nok_m2"), lang),
            "source": str(r.get("source", "")),
            "url": str(r.get("url", "")),
        }
        for r in refs
    ]


def as_of_text(when: dt.datetime, lang: str) -> str:
    """The date the figures describe, written out (``24. november 2026``)."""
    return format_date(when.date(), lang)
