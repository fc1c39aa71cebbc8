"""Model travel times against published reference drive times (calibration check of the speed model).

A reference table (TOML, ``[[reference]]`` rows with ``id``, ``from``, ``to``,
``minutes_low``, ``minutes_high``, ``url``, ``gist`` and ``mode``) names places
that resolve in the bundled layers:

* ``destination:<dest_id>`` — a point of the destinations layer;
* ``station:<navn>`` — a railway station of the ``stations`` layer;
* ``placename:<fulltekst>`` — a place name of the ``placenames`` layer.

``mode = "car"`` rows are routed on the road network like plots (straight
access leg, then the network), both ends joining public roads (no service roads
or tracks: a place is reached by its public road, not through a yard).  ``mode = "ferry_crossing"`` rows compare the
sailing time (length / ferry speed, without the waiting penalty) of the car
ferry link nearest to ``from``.  The error of a row is 0 inside the published
range, else the relative distance to its nearest end.

A row with ``used = false`` (and a ``not_used_reason``) is compared like the
others but marked ``used = False`` in the result, so a calibration can leave
out a reference whose endpoint the source does not define while still
reporting its model value.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from landreg.enrich.access import compute_road_access
from landreg.enrich.network import DEFAULT_FERRY_SPEED_KMH, RoadNetwork
from landreg.enrich.routing import AccessTarget, route_to_targets
from landreg.errors import ConfigurationError
from landreg.layers.load import load_layer

_KINDS = {
    "destination": ("destinations", "dest_id"),
    "station": ("stations", "navn"),
    "placename": ("placenames", "fulltekst"),
}


@dataclass(frozen=True)
class ReferenceDriveTime:
    """One published travel time between two places (minutes, possibly a range)."""

    id: str
    origin: str
    target: str | None
    minutes_low: float
    minutes_high: float
    url: str
    gist: str
    mode: str = "car"
    used: bool = True
    not_used_reason: str = ""


def load_reference_drive_times(path: str | Path) -> list[ReferenceDriveTime]:
    """Read a reference table (see the module docstring).

    Raises
    ------
    ConfigurationError
        When a row lacks a field, has ``minutes_low > minutes_high``, an unknown mode,
        or ``used = false`` without a ``not_used_reason``.
    """
    path = Path(path)
    rows = tomllib.loads(path.read_text(encoding="utf-8")).get("reference", [])
    out = []
    for i, row in enumerate(rows):
        missing = [k for k in ("id", "from", "minutes_low", "minutes_high", "url", "gist") if k not in row]
        mode = row.get("mode", "car")
        if mode == "car" and "to" not in row:
            missing.append("to")
        if missing:
            raise ConfigurationError(f"{path}: reference {i + 1} lacks {missing}")
        if mode not in ("car", "ferry_crossing"):
            raise ConfigurationError(
                f"{path}: reference {row['id']!r} has mode {mode!r}; expected car or ferry_crossing"
            )
        low, high = float(row["minutes_low"]), float(row["minutes_high"])
        if not 0 < low <= high:
            raise ConfigurationError(f"{path}: reference {row['id']!r} needs 0 < minutes_low <= minutes_high")
        used = row.get("used", True)
        reason = str(row.get("not_used_reason", "")).strip()
        if not isinstance(used, bool):
            raise ConfigurationError(f"{path}: reference {row['id']!r} has used = {used!r}; expected true or false")
        if not used and not reason:
            raise ConfigurationError(
                f"{path}: reference {row['id']!r} is not used but gives no not_used_reason; say why its endpoint "
                "cannot be located"
            )
        out.append(
            ReferenceDriveTime(
                row["id"], row["from"], row.get("to"), low, high, row["url"], row["gist"], mode, used, reason
            )
        )
    return out


def _resolve(place: str, layers_dir: str | Path, cache: dict[str, gpd.GeoDataFrame]) -> shapely.Point:
    kind, _, name = place.partition(":")
    if kind not in _KINDS or not name:
        raise ConfigurationError(f"place {place!r} must be one of {[k + ':<name>' for k in _KINDS]}")
    layer_id, column = _KINDS[kind]
    if layer_id not in cache:
        layer = load_layer(layer_id, layers_dir=layers_dir)
        if not isinstance(layer, gpd.GeoDataFrame):
            raise ConfigurationError(f"layer {layer_id!r} is not a vector layer; places need point geometry")
        cache[layer_id] = layer.to_crs("EPSG:25832")
    frame = cache[layer_id]
    hit = frame[frame[column].astype(str) == name]
    if hit.empty:
        raise ConfigurationError(f"place {place!r}: no {column} {name!r} in layer {layer_id!r}")
    return hit.geometry.iloc[0]


def resolve_place(place: str, *, layers_dir: str | Path) -> shapely.Point:
    """The point of one reference place (``destination:``, ``station:`` or ``placename:``) in EPSG:25832.

    Raises
    ------
    ConfigurationError
        When the kind is unknown or no feature has that name.
    """
    return _resolve(place, layers_dir, {})


def compare_drive_times(
    references: list[ReferenceDriveTime],
    network: RoadNetwork,
    *,
    layers_dir: str | Path,
    ferry_speed_kmh: float = DEFAULT_FERRY_SPEED_KMH,
) -> pd.DataFrame:
    """Model minutes and error for every reference.

    Parameters
    ----------
    references : list of ReferenceDriveTime
        Reference drive times with their sources (:func:`load_reference_drive_times`).
    network : RoadNetwork
        The road graph to check (EPSG:25832).
    layers_dir : str or Path
        Folder with ``layers.toml`` in which the places resolve.
    ferry_speed_kmh : float
        Sailing speed of the ferry model (for ``ferry_crossing`` rows).

    Returns
    -------
    DataFrame
        One row per reference: ``id``, ``mode``, ``used``, ``minutes_low``, ``minutes_high``,
        ``model_min``, ``model_km`` and ``error`` (signed share; 0 inside the range).
    """
    cache: dict[str, gpd.GeoDataFrame] = {}
    cars = [r for r in references if r.mode == "car"]
    model_min = {r.id: np.nan for r in references}
    model_km = dict(model_min)
    if cars:
        names = sorted({r.target for r in cars if r.target})
        dest = gpd.GeoDataFrame(
            {"dest_id": names}, geometry=[_resolve(n, layers_dir, cache) for n in names], crs="EPSG:25832"
        )
        times = route_to_targets(network, dest, targets=[AccessTarget(n, dest_ids=(n,)) for n in names])
        origins = gpd.GeoDataFrame(
            {"plot_id": [r.id for r in cars]},
            geometry=[_resolve(r.origin, layers_dir, cache) for r in cars],
            crs="EPSG:25832",
        )
        access = compute_road_access(origins, network, times=times, on_unreachable="flag", among=network.link_public)
        for i, r in enumerate(cars):
            model_min[r.id] = float(access[f"{r.target}_travel_time_s"].iloc[i]) / 60
            model_km[r.id] = float(access[f"{r.target}_distance_m"].iloc[i]) / 1000
    ferries = np.flatnonzero(network.link_ferry)
    for r in references:
        if r.mode == "ferry_crossing" and len(ferries):
            point = _resolve(r.origin, layers_dir, cache)
            link = ferries[int(np.argmin(shapely.distance(network.link_geometry[ferries], point)))]
            model_km[r.id] = float(network.link_length_m[link]) / 1000
            model_min[r.id] = model_km[r.id] / ferry_speed_kmh * 60
    out = pd.DataFrame(
        {
            "id": [r.id for r in references],
            "mode": [r.mode for r in references],
            "used": [r.used for r in references],
            "minutes_low": [r.minutes_low for r in references],
            "minutes_high": [r.minutes_high for r in references],
            "model_min": [model_min[r.id] for r in references],
            "model_km": [model_km[r.id] for r in references],
        }
    )
    low, high, m = out["minutes_low"], out["minutes_high"], out["model_min"]
    out["error"] = np.where(m < low, (m - low) / low, np.where(m > high, (m - high) / high, 0.0))
    return out
