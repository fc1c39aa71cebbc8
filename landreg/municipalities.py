"""Municipalities (kommuner) of Trøndelag, 2024 numbering (Kartverket, CC BY 4.0).

Numbers and names as in Kartverket's administrative units (see ``layers/layers.toml``
and the README's data section).  ``REGION_MUNICIPALITY_NOS`` are the ten members of
Trondheimsregionen.
"""

from __future__ import annotations

TRONDELAG_MUNICIPALITIES: dict[str, str] = {
    "5001": "Trondheim - Tråante",
    "5006": "Steinkjer",
    "5007": "Namsos - Nåavmesjenjaelmie",
    "5014": "Frøya",
    "5020": "Osen",
    "5021": "Oppdal",
    "5022": "Rennebu",
    "5025": "Rosse - Røros",
    "5026": "Holtålen",
    "5027": "Midtre Gauldal",
    "5028": "Melhus",
    "5029": "Skaun",
    "5031": "Malvik",
    "5032": "Selbu",
    "5033": "Tydal",
    "5034": "Meråker",
    "5035": "Stjørdal",
    "5036": "Frosta",
    "5037": "Levanger",
    "5038": "Verdal",
    "5041": "Snåase - Snåsa",
    "5042": "Lierne",
    "5043": "Raarvihke - Røyrvik",
    "5044": "Namsskogan",
    "5045": "Grong",
    "5046": "Høylandet",
    "5047": "Overhalla",
    "5049": "Flatanger",
    "5052": "Leka",
    "5053": "Inderøy",
    "5054": "Indre Fosen",
    "5055": "Heim",
    "5056": "Hitra",
    "5057": "Ørland",
    "5058": "Åfjord",
    "5059": "Orkland",
    "5060": "Nærøysund",
    "5061": "Rindal",
}

REGION_MUNICIPALITY_NOS: frozenset[str] = frozenset(
    {"5001", "5027", "5028", "5029", "5031", "5032", "5035", "5036", "5054", "5059"}
)


def _name_keys(name: str) -> list[str]:
    """The forms a municipality may be called by: its full name and each part of a bilingual name."""
    parts = [name, *(p.strip() for p in name.split(" - "))]
    return [p.casefold() for p in parts if p]


_BY_NAME: dict[str, str] = {key: no for no, name in TRONDELAG_MUNICIPALITIES.items() for key in _name_keys(name)}


def known_municipalities_text() -> str:
    """The accepted municipalities as ``"5001 Trondheim - Tråante, 5006 Steinkjer, …"`` for messages."""
    return ", ".join(f"{no} {name}" for no, name in TRONDELAG_MUNICIPALITIES.items())


def municipality_no_from_ref(ref: str) -> str | None:
    """The kommunenummer of a municipality given by number or name, or None when unknown.

    Parameters
    ----------
    ref : str
        A 2024 kommunenummer (``"5035"``) or a name in any letter case, with æøå
        (``"Stjørdal"``, ``"trondheim"``, ``"Tråante"``, ``"Trondheim - Tråante"``).

    Returns
    -------
    str or None
        The four-digit number, or None when ``ref`` names no Trøndelag municipality.
    """
    text = ref.strip()
    if text in TRONDELAG_MUNICIPALITIES:
        return text
    return _BY_NAME.get(text.casefold())


def closest_municipality_names(ref: str) -> list[str]:
    """Municipality names spelled like ``ref``, best first, for a "did you mean" hint.

    Parameters
    ----------
    ref : str
        A name that matched no municipality, e.g. ``"Stjordal"``.

    Returns
    -------
    list of str
        Up to three full names, e.g. ``["Stjørdal"]``; empty when none is close.
    """
    import difflib

    names = {key: name for name in TRONDELAG_MUNICIPALITIES.values() for key in _name_keys(name)}
    return list(dict.fromkeys(names[k] for k in difflib.get_close_matches(ref.strip().casefold(), list(names), n=3)))
