"""Apply a scenario's changes to copies of the plots (statuses, occupants, new-road flags)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely

from landreg.model.entities import Decision
from landreg.scoring.errors import FirmNotFoundError


def plots_of_firm(plots: gpd.GeoDataFrame, *, firm: str) -> np.ndarray:
    """Mask of the plots where ``firm`` (case-insensitive name) is an occupant.

    Raises
    ------
    FirmNotFoundError
    """
    key = firm.strip().casefold()
    mask = (
        np.array(
            [
                any(o.get("name", "").casefold() == key for o in (occ if isinstance(occ, list) else []))
                for occ in plots["occupants"]
            ],
            dtype=bool,
        )
        if "occupants" in plots.columns
        else np.zeros(0, bool)
    )
    if not mask.any():
        raise FirmNotFoundError(
            f"no plot has an occupant named {firm!r}; expected an exact firm name as stored in the plots' occupants"
        )
    return mask


def release_firm(plots: gpd.GeoDataFrame, *, firm: str) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """A copy where ``firm`` has left its plots: removed from occupants; plots left empty become available."""
    mask = plots_of_firm(plots, firm=firm)
    out = plots.copy()
    key = firm.strip().casefold()
    occupants = list(out["occupants"])
    for i in np.flatnonzero(mask):
        occupants[i] = [o for o in occupants[i] if o.get("name", "").casefold() != key]
    out["occupants"] = occupants
    freed = mask & np.array([len(o) == 0 for o in occupants])
    out.loc[out.index[freed], "status"] = "available"
    return out, freed


def areas_without_firms(areas: gpd.GeoDataFrame | None, *, firms: Sequence[str]) -> gpd.GeoDataFrame | None:
    """``areas`` with the named firms taken out of their ``occupants`` (a copy; None stays None).

    A firm that moves out of an area is nobody's neighbour there any more, so it must not
    count for the synergy of the plots it leaves behind.

    Parameters
    ----------
    areas : GeoDataFrame or None
        Business areas with an ``occupants`` column (lists of ``{"name", "nace"}``).
    firms : sequence of str
        Names of the firms that leave (compared without case).

    Returns
    -------
    GeoDataFrame or None
    """
    if areas is None or not firms or "occupants" not in areas.columns:
        return areas
    gone = {n.strip().casefold() for n in firms}
    out = areas.copy()
    out["occupants"] = [
        [o for o in occ if str(o.get("name", "")).casefold() not in gone] if isinstance(occ, list) else occ
        for occ in out["occupants"]
    ]
    return out


def apply_decisions(
    plots: gpd.GeoDataFrame, *, outcomes: dict[str, str], decisions: Sequence[Decision]
) -> tuple[gpd.GeoDataFrame, list[str], list[str]]:
    """A copy where the plots locked by each decision get its outcome's status.

    Returns
    -------
    (GeoDataFrame, list, list)
        The plots, destination ids to add and to remove.
    """
    out = plots.copy()
    adds: list[str] = []
    removes: list[str] = []
    known = {d.decision_id: d for d in decisions}
    for did, name in outcomes.items():
        outcome = next(o for o in known[did].outcomes if o.name == name)
        if outcome.plot_status is not None and "decision_id" in out.columns:
            hit = (out["decision_id"].astype(object) == did) & (out["status"].astype(str) == "locked")
            out.loc[hit, "status"] = str(outcome.plot_status)
        adds += outcome.adds_destinations
        removes += outcome.removes_destinations
    return out, adds, removes


def clear_new_road_flags(
    plots: gpd.GeoDataFrame, *, projects: gpd.GeoDataFrame, service_distance_m: float
) -> tuple[gpd.GeoDataFrame, np.ndarray]:
    """A copy where plots that need a new road and lie within ``service_distance_m`` of a project no longer do."""
    out = plots.copy()
    if "requires_new_road" not in out.columns or len(projects) == 0:
        return out, np.zeros(len(out), dtype=bool)
    lines = shapely.union_all(projects.geometry.to_numpy())
    near = shapely.dwithin(out.geometry.to_numpy(), lines, service_distance_m)
    hit = out["requires_new_road"].fillna(False).astype(bool).to_numpy() & near
    out.loc[out.index[hit], "requires_new_road"] = False
    return out, hit
