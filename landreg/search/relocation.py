"""What a relocation does to supply: the firm's old plots are freed, the site it moves to is taken up.

Supply is counted before the move and after it, with both changes applied: the
plots the firm leaves become ``available`` (their occupants without the firm; see
:func:`~landreg.scenarios.apply.release_firm`) and the plots of the site it moves to
are taken (status ``sold``: no longer on offer).  Figures are given for the business
area and municipality it leaves, those it moves to, and the region.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from landreg.scoring.profiles import ScoringProfile
from landreg.supply.effective import SupplyParams, effective_supply

#: The status the plots of the site a firm moves to get in the "after" count.
TAKEN_STATUS = "sold"


def _pick(frame: pd.DataFrame, key: str, value: Any, col: str) -> float:
    hit = frame[frame[key].astype(str) == str(value)]
    return float(hit[col].iloc[0]) if len(hit) else 0.0


def relocation_supply(
    before: gpd.GeoDataFrame,
    *,
    released: gpd.GeoDataFrame,
    freed: np.ndarray,
    firm: str,
    profile: ScoringProfile,
    site_id: str | None,
    site_plot_ids: Sequence[str] = (),
) -> dict[str, Any]:
    """Supply before and after a firm moves from its plots to a site.

    Parameters
    ----------
    before : GeoDataFrame
        The plots as they are (EPSG:25832).
    released : GeoDataFrame
        The same plots with the firm moved out (:func:`~landreg.scenarios.apply.release_firm`).
    freed : ndarray of bool
        The plots the firm leaves that became available.
    firm : str
        Name of the relocating firm.
    profile : ScoringProfile
        Profile of the effective supply.
    site_id : str or None
        The site it moves to (None when no site meets its requirements).
    site_plot_ids : sequence of str
        The plots of that site.

    Returns
    -------
    dict
        ``freed_*`` and ``taken_*`` plots and decares; supply and effective supply before and
        after (both changes applied) for the area and municipality left (``area_*``,
        ``municipality_*``), those moved to (``to_area_*``, ``to_municipality_*``) and the region.
    """
    params = SupplyParams()
    after = released.copy()
    taken = after["plot_id"].astype(str).isin([str(p) for p in site_plot_ids]).to_numpy()
    after.loc[after.index[taken], "status"] = TAKEN_STATUS
    b = effective_supply(before, profile=profile, params=params)
    a = effective_supply(after, profile=profile, params=params)

    def first(mask: np.ndarray, col: str) -> str | None:
        return str(before.loc[before.index[mask], col].iloc[0]) if mask.any() else None

    area, muni = first(freed, "business_area_id"), first(freed, "municipality_no")
    to_area, to_muni = first(taken, "business_area_id"), first(taken, "municipality_no")
    out: dict[str, Any] = {
        "firm": firm,
        "freed_codes": list(before.loc[before.index[freed], "code"]),
        "freed_plot_ids": list(before.loc[before.index[freed], "plot_id"]),
        "freed_daa": float(before.loc[before.index[freed], "area_m2"].sum() / 1000),
        "site_id": site_id,
        "taken_codes": list(before.loc[before.index[taken], "code"]),
        "taken_plot_ids": list(before.loc[before.index[taken], "plot_id"]),
        "taken_daa": float(before.loc[before.index[taken], "area_m2"].sum() / 1000),
        "business_area_id": area,
        "municipality_no": muni,
        "to_business_area_id": to_area,
        "to_municipality_no": to_muni,
    }
    for prefix, key, value, table in (
        ("area", "business_area_id", area, "areas"),
        ("municipality", "municipality_no", muni, "municipalities"),
        ("to_area", "business_area_id", to_area, "areas"),
        ("to_municipality", "municipality_no", to_muni, "municipalities"),
    ):
        for col in ("supply_daa", "effective_daa"):
            short = col.removesuffix("_daa")
            out[f"{prefix}_{short}_daa_before"] = _pick(getattr(b, table), key, value, col)
            out[f"{prefix}_{short}_daa_after"] = _pick(getattr(a, table), key, value, col)
    for col in ("supply_daa", "effective_daa"):
        short = col.removesuffix("_daa")
        out[f"region_{short}_daa_before"] = float(b.region[col])
        out[f"region_{short}_daa_after"] = float(a.region[col])
    out["net_supply_daa"] = out["region_supply_daa_after"] - out["region_supply_daa_before"]
    return out


def relocation_text(r: dict[str, Any]) -> list[str]:
    """Lines for the terminal: what the firm frees, what it takes up, and the net change in supply."""
    lines = [
        f"{r['firm']} moving out frees {r['freed_daa']:.1f} daa ({', '.join(r['freed_codes']) or 'no plot'}); "
        f"supply in {r['business_area_id']}: {r['area_supply_daa_before']:.1f} -> {r['area_supply_daa_after']:.1f} daa"
    ]
    if r["site_id"] is None:
        lines.append("no site meets the requirements: nothing is taken up")
    else:
        lines.append(
            f"moving to {r['site_id']} takes up {r['taken_daa']:.1f} daa; supply in {r['to_business_area_id']}: "
            f"{r['to_area_supply_daa_before']:.1f} -> {r['to_area_supply_daa_after']:.1f} daa"
        )
    lines.append(
        f"region supply {r['region_supply_daa_before']:,.1f} -> {r['region_supply_daa_after']:,.1f} daa "
        f"(net {r['net_supply_daa']:+,.1f} daa)"
    )
    return lines
