"""What each indicator figure means, in English and bokmål, and its unit."""

from __future__ import annotations

#: Figure id -> (unit, definition in English, definition in bokmål).
DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "available_now_daa": (
        "daa",
        "Decares of plots with status available and no availability date after the reference date.",
        "Dekar i tomter med status ledig og uten tilgjengelighetsdato etter referansedatoen.",
    ),
    "available_later_daa": (
        "daa",
        "Decares of plots with status planned, or available from a date after the reference date.",
        "Dekar i tomter med status planlagt, eller ledige fra en dato etter referansedatoen.",
    ),
    "reserved_daa": ("daa", "Decares of plots with status reserved.", "Dekar i tomter med status reservert."),
    "locked_daa": (
        "daa",
        "Decares of plots with status locked, per decision that locks them (detail: decares per decision).",
        "Dekar i tomter med status låst, fordelt på vedtaket som låser dem (detalj: dekar per vedtak).",
    ),
    "sold_daa": ("daa", "Decares of plots with status sold.", "Dekar i tomter med status solgt."),
    "effective_daa": (
        "daa",
        "Available decares discounted by attractiveness (general profile score / 100), readiness "
        "(raw 0.4, zoned 0.6, serviced 0.85, build-ready 1.0) and contiguity (block decares / 10, at most 1).",
        "Ledige dekar diskontert for attraktivitet (skår i generell profil / 100), byggeklarhet "
        "(rå 0,4, regulert 0,6, opparbeidet 0,85, byggeklar 1,0) og sammenheng (dekar i blokken / 10, høyst 1).",
    ),
    "largest_available_block_daa": (
        "daa",
        "Decares of the largest block of available plots that touch or lie within 10 m of each other "
        "(within one business area).",
        "Dekar i den største blokken av ledige tomter som grenser til eller ligger innen 10 m fra hverandre "
        "(innen ett næringsområde).",
    ),
    "uptake_daa_per_year": (
        "daa",
        "Decares per calendar year of plots whose recorded history shows them becoming sold or occupied "
        "(the year of the status or occupant change as its source dates it, else as recorded).",
        "Dekar per kalenderår i tomter som historikken viser ble solgt eller tatt i bruk "
        "(året for status- eller brukerendringen slik kilden daterer den, ellers da den ble registrert).",
    ),
    "uptake_avg_5y_daa_per_year": (
        "daa/year",
        "Average yearly uptake over the observed complete years among the 5 before the reference year.",
        "Gjennomsnittlig årlig opptak over de observerte hele årene blant de 5 før referanseåret.",
    ),
    "uptake_avg_10y_daa_per_year": (
        "daa/year",
        "Average yearly uptake over the observed complete years among the 10 before the reference year.",
        "Gjennomsnittlig årlig opptak over de observerte hele årene blant de 10 før referanseåret.",
    ),
    "uptake_trend_daa_per_year2": (
        "daa/year²",
        "Least-squares slope of yearly uptake over the observed complete years among the last 10 (positive: rising).",
        "Minste kvadraters stigning i årlig opptak over de observerte hele årene blant de siste 10 (positiv: økende).",
    ),
    "years_of_supply_5y": (
        "years",
        "Available decares now divided by the average yearly uptake of the last 5 years.",
        "Ledige dekar nå delt på gjennomsnittlig årlig opptak de siste 5 årene.",
    ),
    "years_of_supply_10y": (
        "years",
        "Available decares now divided by the average yearly uptake of the last 10 years.",
        "Ledige dekar nå delt på gjennomsnittlig årlig opptak de siste 10 årene.",
    ),
    "supply_daa_by_year": (
        "daa",
        "Decares by status (available now, available later, reserved, locked, sold) at the end of each year "
        "from the first year of the registry's recorded history, and at the reference date for its year, as the "
        "registry recorded them then; with the years of supply at the uptake of the 5 years before each.",
        "Dekar etter status (ledig nå, ledig senere, reservert, låst, solgt) ved utgangen av hvert år fra det "
        "første året i registerets historikk, og på referansedatoen for dens år, slik registeret hadde dem da; "
        "med år med tilbud ved opptaket de 5 årene før hvert.",
    ),
    "asking_price_nok_m2": (
        "NOK/m²",
        "Median and quartiles of current asking prices (midpoint of the asking range) of available and "
        "planned plots, per zoning, readiness and price basis.",
        "Median og kvartiler av gjeldende prisantydning (midtpunktet i prisintervallet) for ledige og "
        "planlagte tomter, per reguleringsformål, byggeklarhet og prisgrunnlag.",
    ),
    "price_index": (
        "index",
        "Yearly median asking price of the most common price class, first year = 100, "
        "from the dated price observations up to the reference date.",
        "Årlig median prisantydning i den vanligste prisklassen, første år = 100, "
        "fra daterte prisobservasjoner fram til referansedatoen.",
    ),
    "price_references": (
        "NOK/m²",
        "Cited external land prices in the region (landreg/prices/references.toml), each with source and URL.",
        "Siterte eksterne tomtepriser i regionen (landreg/prices/references.toml), hver med kilde og URL.",
    ),
    "needs_new_road_daa": (
        "daa",
        "Decares of available, planned and locked plots that need a new road before they can be used.",
        "Dekar i ledige, planlagte og låste tomter som trenger ny vei før de kan tas i bruk.",
    ),
    "quick_clay_daa": (
        "daa",
        "Decares of available, planned and locked plots inside mapped quick-clay zones (area × share inside).",
        "Dekar av ledige, planlagte og låste tomter innenfor kartlagte kvikkleiresoner (areal × andel innenfor).",
    ),
    "flood_daa": (
        "daa",
        "Decares of available, planned and locked plots inside mapped flood zones (area × share inside).",
        "Dekar av ledige, planlagte og låste tomter innenfor kartlagte flomsoner (areal × andel innenfor).",
    ),
}


def definition_of(figure_id: str) -> tuple[str, dict[str, str]]:
    """The unit and the definition (``{"en": ..., "nb": ...}``) of a figure.

    Raises
    ------
    KeyError
        For an unknown figure id.
    """
    unit, en, nb = DEFINITIONS[figure_id]
    return unit, {"en": en, "nb": nb}
