"""Assumed driving speeds on the N1000 road network (``veglenke``), in km/h.

Kartverket's N1000 roads carry no speed limits, so the regional network gets a
documented assumption per road class.  The same table is printed in
``layers/layers.toml`` and ``layers/README.md`` and stored on every road as the
column ``speed_kmh``.  Change it here and regenerate the road layer with
``python -m landreg.demo.generate --stage sources``.
"""

from __future__ import annotations

import math

from landreg.errors import ConfigurationError

#: Speed by class, checked in this order: ferry, motorway type, road category.
ROAD_SPEEDS_KMH: dict[str, float] = {
    "bilferje": 15.0,  # car ferry: effective speed for display; routing uses landreg.enrich's ferry model
    "motorveg": 100.0,  # motorway (E6 Trondheim–Stjørdal and south of Trondheim)
    "motortrafikkveg": 90.0,  # limited-access road
    "E": 80.0,  # other European roads (E6, E14, E39)
    "R": 80.0,  # national roads (riksveg)
    "F": 70.0,  # county roads (fylkesveg)
    "K": 50.0,  # municipal roads (kommunal veg)
    "P": 40.0,  # private roads
}

#: ``typeVeg`` values kept in the regional road layer (paths and passenger ferries carry no cars).
CAR_ROAD_TYPES: frozenset[str] = frozenset({"enkelBilveg", "bilferje"})


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def road_speed_kmh(type_veg: object, vegkategori: object, motorvegtype: object = None) -> float:
    """The assumed speed of one N1000 road link.

    Parameters
    ----------
    type_veg : str
        ``typeVeg`` of the link (``enkelBilveg`` or ``bilferje``).
    vegkategori : str
        Road category: ``E``, ``R``, ``F``, ``K`` or ``P``.
    motorvegtype : str, optional
        ``motorveg``, ``motortrafikkveg`` or ``IkkeMotorveg``.

    Returns
    -------
    float
        Speed in km/h from :data:`ROAD_SPEEDS_KMH`.

    Raises
    ------
    ConfigurationError
        When the link is not a car road or its category has no speed.
    """
    kind, cat, mtype = _text(type_veg), _text(vegkategori), _text(motorvegtype)
    if kind not in CAR_ROAD_TYPES:
        raise ConfigurationError(f"typeVeg {kind!r} is not a car road; expected one of {sorted(CAR_ROAD_TYPES)}")
    if kind == "bilferje":
        return ROAD_SPEEDS_KMH["bilferje"]
    if mtype in ("motorveg", "motortrafikkveg"):
        return ROAD_SPEEDS_KMH[mtype]
    if cat not in ROAD_SPEEDS_KMH:
        raise ConfigurationError(f"vegkategori {cat!r} has no speed; expected one of E, R, F, K, P")
    return ROAD_SPEEDS_KMH[cat]
