"""English words (gettext message ids of the ``business`` domain) for the codes the pages show.

Controlled vocabularies of the plot model (status, zoning, readiness …) take their words from
:func:`landreg.i18n.code_label`; this module names what the enrichment and the scores produce:
access targets, hazards and their status, criteria of the built-in profiles and the NACE
divisions of the firms.  NACE division names shortened from Statistics Norway's *Standard for
næringsgruppering (SN2007)*, https://www.ssb.no/klass/klassifikasjoner/6.
"""

from __future__ import annotations

TARGETS: dict[str, str] = {
    "port": "port (Trondheim havn)",
    "airport": "Trondheim Airport Værnes",
    "trondheim_s": "Trondheim S rail station",
    "freight_terminal": "rail freight terminal",
    "motorway_junction": "E6/motorway junction",
    "city_centre": "Trondheim city centre (Midtbyen)",
}
HAZARDS: dict[str, str] = {
    "quick_clay": "quick clay",
    "flood": "flood zone",
    "protected_area": "protected area",
}
CHECK_STATUS: dict[str, str] = {
    "inside": "inside a zone",
    "clear": "checked, clear",
    "not_checked": "not mapped here",
    "ok": "measured",
    "no_data": "no data",
    "disconnected": "not connected to the road network",
    "too_far": "too far from a road",
}
#: The labels of the criteria of ``landreg/scoring/profiles.toml`` (a custom label is shown as it is).
CRITERIA: tuple[str, ...] = (
    "asking price",
    "time to port",
    "time to airport",
    "time to Trondheim S",
    "time to rail freight terminal",
    "time to motorway junction",
    "time to city centre",
    "distance to main road",
    "plot size",
    "terrain slope",
    "hazard freedom",
    "readiness",
    "no new road needed",
    "good neighbours (related firms nearby)",
)
NACE_DIVISIONS: dict[str, str] = {
    "10": "food products",
    "16": "wood and wood products",
    "23": "non-metallic mineral products",
    "24": "basic metals",
    "25": "fabricated metal products",
    "28": "machinery and equipment",
    "33": "repair and installation of machinery",
    "41": "construction of buildings",
    "42": "civil engineering",
    "43": "specialised construction",
    "45": "trade and repair of motor vehicles",
    "46": "wholesale trade",
    "47": "retail trade",
    "49": "land transport",
    "52": "warehousing and transport services",
    "62": "computer programming and consultancy",
    "71": "architecture and engineering",
    "77": "rental and leasing",
}
PROFILE_NAMES: tuple[str, ...] = ("general", "logistics", "manufacturing", "office", "own")
#: The requirements a search names when it leaves plots out (``SearchResult.exclusion_summary``).
EXCLUSION_KEYS: tuple[str, ...] = (
    "status",
    "zoning",
    "municipality",
    "business area",
    "size (daa)",
    "price (NOK/m²)",
    "quick clay share",
    "flood share",
    "own plot",
    "time to port (s)",
    "time to airport (s)",
    "time to trondheim_s (s)",
    "time to freight_terminal (s)",
    "time to motorway_junction (s)",
    "time to city_centre (s)",
)
OTHER: tuple[str, ...] = ("not reachable",)
