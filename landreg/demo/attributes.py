"""Synthetic attributes of the demonstration plots (status, zoning, readiness, prices, firms)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import shapely

from landreg.demo.area_specs import NAMED_FIRMS, AreaSpec
from landreg.demo.common import SYNTHETIC_PROVENANCE, demo_plot_id
from landreg.demo.prices import asking_band
from landreg.municipalities import TRONDELAG_MUNICIPALITIES

TORGARD_DECISION_ID = "torgard_freight_terminal"
_STATUS_WEIGHTS: dict[str, dict[str, float]] = {
    "default": {"available": 0.40, "reserved": 0.10, "sold": 0.35, "planned": 0.15},
    "nyhavna": {"available": 0.15, "reserved": 0.10, "sold": 0.75, "planned": 0.0},
    "sveberg": {"available": 0.50, "reserved": 0.10, "sold": 0.05, "planned": 0.35},
    "sluppen": {"available": 0.20, "reserved": 0.15, "sold": 0.60, "planned": 0.05},
}
_ZONING: dict[str, dict[str, float]] = {
    "logistics": {"warehouse_logistics": 0.8, "combined": 0.2},
    "industry": {"industry": 0.7, "warehouse_logistics": 0.2, "heavy_industry": 0.1},
    "port": {"port": 0.8, "heavy_industry": 0.2},
    "office": {"office": 0.8, "combined": 0.2},
    "mixed": {"combined": 0.5, "retail": 0.25, "industry": 0.25},
}
_OWNER = {"municipal": 0.4, "private": 0.5, "public": 0.1}
_SERVICED_UTILITIES = ["water", "sewer", "power", "fibre"]


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = [k for k, w in weights.items() if w > 0]
    p = np.array([weights[k] for k in keys])
    return str(keys[int(rng.choice(len(keys), p=p / p.sum()))])


def _readiness(rng: np.random.Generator, status: str, plan_status: str) -> str:
    if status == "sold":
        return "build_ready"
    if plan_status == "none":
        return "raw"
    if plan_status == "in_progress":
        return _pick(rng, {"raw": 0.6, "zoned": 0.4})
    return _pick(rng, {"zoned": 0.25, "serviced": 0.35, "build_ready": 0.4})


def _utilities(spec: AreaSpec, readiness: str, rng: np.random.Generator) -> list[str]:
    if readiness in ("serviced", "build_ready"):
        extra = []
        if spec.municipality_no == "5001" and spec.area_type in ("office", "mixed", "port"):
            extra.append("district_heating")
        if spec.nuisance_class == "E" or spec.area_type == "logistics":
            extra.append("high_voltage")
        return _SERVICED_UTILITIES + extra
    if readiness == "zoned" and rng.random() < 0.5:
        return ["power"]
    return []


def plot_record(
    spec: AreaSpec, index: int, geom: shapely.Polygon, *, centre_x: float, rng: np.random.Generator
) -> dict[str, Any]:
    """The input fields of one synthetic plot (JSON fields as JSON text) and its story for the price history."""
    code = f"{spec.code_prefix}-{index:03d}"
    locked = spec.area_id == "torgard"
    status = "locked" if locked else _pick(rng, _STATUS_WEIGHTS.get(spec.area_id, _STATUS_WEIGHTS["default"]))
    if status == "planned" or (locked and rng.random() < 0.4):
        plan_status = _pick(rng, {"in_progress": 0.7, "none": 0.3})
    else:
        plan_status = _pick(rng, {"adopted": 0.9, "in_progress": 0.1})
    readiness = _readiness(rng, status, plan_status)
    requires_new_road = (
        locked
        or (spec.area_id == "sveberg" and geom.centroid.x > centre_x)
        or (spec.area_id == "tulluan" and rng.random() < 0.3)
    )
    serviced = readiness in ("serviced", "build_ready")
    price_min = price_max = None
    basis = fees = None
    if status != "sold":
        price_min, price_max = asking_band(spec.area_id, serviced=serviced, rng=rng)
        basis = "serviced" if serviced else "raw"
        fees = bool(rng.random() < 0.5) if serviced else False
    notes = {
        "locked": "Locked until the decision on the Torgård rail freight terminal (synthetic story)",
        "planned": "Available when the zoning plan is adopted (synthetic)",
        "reserved": "Reserved for a buyer in negotiation (synthetic)",
    }
    note = notes.get(status)
    if requires_new_road:
        note = (note + "; " if note else "") + "needs a new access road"
    available_from = None
    if status == "planned":
        available_from = dt.date(int(rng.integers(2027, 2032)), 1, 1).isoformat()
    owner = _pick(rng, {"municipal": 0.3, "private": 0.3, "public": 0.4} if locked else _OWNER)
    zoning = _pick(rng, _ZONING[spec.area_type])
    if spec.nuisance_class == "E" and zoning == "industry":
        zoning = "heavy_industry"
    return {
        "plot_id": demo_plot_id(code),
        "code": code,
        "name": f"{spec.name}, tomt {index}",
        "municipality_no": spec.municipality_no,
        "municipality_name": TRONDELAG_MUNICIPALITIES[spec.municipality_no],
        "business_area_id": spec.area_id,
        "status": status,
        "available_from": available_from,
        "availability_note": note,
        "decision_id": TORGARD_DECISION_ID if locked else None,
        "zoning": zoning,
        "plan_status": plan_status,
        "plan_id": None if plan_status == "none" else f"demo-{spec.municipality_no}-{spec.code_prefix}-{index % 4 + 1}",
        "readiness": readiness,
        "price_min_nok_m2": price_min,
        "price_max_nok_m2": price_max,
        "price_basis": basis,
        "connection_fees_included": fees,
        "owner_type": owner,
        "utilities": json.dumps(_utilities(spec, readiness, rng)),
        "requires_new_road": bool(requires_new_road),
        "occupants": "[]",
        "provenance": json.dumps(SYNTHETIC_PROVENANCE, ensure_ascii=False),
        "last_verified": (dt.date(2025, 6, 1) - dt.timedelta(days=int(rng.integers(0, 400)))).isoformat(),
        "valid_from": None,
        "previously_part_of": "[]",
    }


def assign_occupants(
    spec: AreaSpec,
    records: list[dict[str, Any]],
    areas_m2: list[float],
    firms: list[dict[str, Any]],
    rng: np.random.Generator,
) -> None:
    """Give sold plots one or two of the area's firms (in place); a named firm gets the largest sold plot."""
    sold = [i for i, r in enumerate(records) if r["status"] == "sold"]
    if not sold:
        return
    named = NAMED_FIRMS.get(spec.area_id)
    invented = [f for f in firms if named is None or f["name"] != named[0]]
    largest = max(sold, key=lambda i: areas_m2[i])
    for i in sold:
        if named is not None and i == largest:
            chosen = [next(f for f in firms if f["name"] == named[0])]
            prov = dict(SYNTHETIC_PROVENANCE)
            prov["occupants"] = {
                "source": "context/000_26ee28355e1c9e63.txt",
                "note": "firm named at Nyhavna in the Hell meeting notes; plot and its size synthetic",
            }
            records[i]["provenance"] = json.dumps(prov, ensure_ascii=False)
        else:
            k = 1 if rng.random() < 0.75 or len(invented) < 2 else 2
            picks = rng.choice(len(invented), size=k, replace=False)
            chosen = [invented[int(j)] for j in sorted(picks)]
        records[i]["occupants"] = json.dumps(chosen, ensure_ascii=False)
