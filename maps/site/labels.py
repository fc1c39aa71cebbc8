"""Names of the figures and their values as the pages show them, in the reader's language.

Names are gettext message ids in English (translated by the ``site`` catalog); values are
formatted by :mod:`landreg.i18n` (``1 234,5 daa``, ``12,3 år``) from the figure's own unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from landreg.i18n import NBSP, format_decares, format_number, format_share
from landreg.indicators import Figure


def N_(message: str) -> str:  # noqa: N802  (the gettext marker's conventional name)
    """Mark ``message`` for the catalog; it is translated where it is shown."""
    return message


#: The figures of a page's table, in order, with their names.
FIGURE_LABELS: dict[str, str] = {
    "available_now_daa": N_("Available now"),
    "available_later_daa": N_("Available later"),
    "reserved_daa": N_("Reserved"),
    "locked_daa": N_("Locked pending a decision"),
    "sold_daa": N_("Sold"),
    "effective_daa": N_("Effective decares"),
    "largest_available_block_daa": N_("Largest contiguous available block"),
    "uptake_avg_5y_daa_per_year": N_("Average uptake, last 5 years"),
    "uptake_avg_10y_daa_per_year": N_("Average uptake, last 10 years"),
    "uptake_trend_daa_per_year2": N_("Trend of the uptake"),
    "years_of_supply_5y": N_("Years of supply at the uptake of the last 5 years"),
    "years_of_supply_10y": N_("Years of supply at the uptake of the last 10 years"),
    "needs_new_road_daa": N_("Needs a new road"),
    "quick_clay_daa": N_("In quick-clay zones"),
    "flood_daa": N_("In flood zones"),
}

#: Names of the figures that are tables or series rather than one number.
OTHER_LABELS: dict[str, str] = {
    "uptake_daa_per_year": N_("Uptake per year"),
    "supply_daa_by_year": N_("Available land over time"),
    "asking_price_nok_m2": N_("Asking prices"),
    "price_index": N_("Price index"),
    "price_references": N_("Cited land prices"),
}

#: The statuses of the status chart: figure id and the status' colour on chart and map.
STATUS_FIGURES: tuple[tuple[str, str, str], ...] = (
    ("available_now_daa", N_("Available now"), "#1a7a3a"),
    ("available_later_daa", N_("Available later"), "#2b6fa6"),
    ("reserved_daa", N_("Reserved"), "#9a5a12"),
    ("locked_daa", N_("Locked pending a decision"), "#6c3483"),
    ("sold_daa", N_("Sold"), "#555555"),
)

#: Plot status colours on the map (dark enough for 3:1 against the light land).
MAP_STATUS_COLORS: dict[str, str] = {
    "available": "#1a7a3a",
    "planned": "#2b6fa6",
    "reserved": "#9a5a12",
    "locked": "#6c3483",
    "sold": "#555555",
}


def label_of(figure_id: str, gettext: Callable[[str], str]) -> str:
    """The translated name of a figure (its id when it has none)."""
    text = FIGURE_LABELS.get(figure_id) or OTHER_LABELS.get(figure_id)
    return gettext(text) if text else figure_id


def unit_text(unit: str, gettext: Callable[[str], str]) -> str:
    """A figure's unit in words of the language (``daa/år``, ``år``)."""
    units = {
        "daa": "daa",
        "daa/year": gettext("daa/year"),
        "daa/year²": gettext("daa/year²"),
        "years": gettext("years"),
        "NOK/m²": gettext("NOK/m²"),
        "index": gettext("index"),
    }
    return units.get(unit, unit)


def format_value(value: Any, unit: str, lang: str, gettext: Callable[[str], str]) -> str:
    """A scalar figure with its unit: ``1 234,5 daa``, ``12,3 daa/år``, ``4,5 år``; ``–`` when unknown.

    Parameters
    ----------
    value : float or None
        In the figure's unit (decares, not m²).
    unit : str
        The figure's unit (``"daa"``, ``"daa/year"``, ``"daa/year²"``, ``"years"``).
    lang : str
        ``"nb"`` or ``"en"``.
    gettext : callable
        The language's ``gettext`` (for the unit's words).
    """
    if value is None or isinstance(value, dict | list):
        return "–"
    if unit == "daa":
        return format_decares(float(value) * 1000.0, lang)
    decimals = 2 if unit == "daa/year²" else 1
    number = format_number(float(value), lang, decimals=decimals)
    if number == "–":
        return number
    return f"{number}{NBSP}{unit_text(unit, gettext)}"


def format_figure(figure: Figure, lang: str, gettext: Callable[[str], str]) -> str:
    """A scalar :class:`~landreg.indicators.Figure` as the page shows it (see :func:`format_value`)."""
    return format_value(figure.value, figure.unit, lang, gettext)


def share_text(figure: Figure, lang: str) -> str:
    """The figure's synthetic share as a percentage (``100 %``)."""
    return format_share(figure.synthetic_share, lang)
