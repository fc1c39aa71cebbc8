"""Business land from a zoning plan: plots (or business areas) and the decisions a båndlegging waits for."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely

from landreg.crs import STORAGE_CRS
from landreg.errors import Problem, ValidationError
from landreg.io.mapped_import import check_plots
from landreg.io.mapping import load_mapping
from landreg.model.entities import BusinessArea, Decision, DecisionOutcome
from landreg.model.enums import AreaType, PlanStatus, PlotStatus, ProvenanceMethod, Readiness, Zoning
from landreg.model.plot import FieldProvenance
from landreg.plans.codes import BANDLEGGING, FARESONE, PLAN_STATUS
from landreg.plans.gml import PlanDocument, PlanFeature, read_plan_gml

if TYPE_CHECKING:
    from landreg.registry.base import Registry

IMPORTED = ProvenanceMethod.IMPORTED

#: Share of a plot a båndlegging zone must cover to lock it (slivers along shared edges do not).
LOCK_MIN_SHARE = 0.01
_AREA_TYPE = {
    Zoning.INDUSTRY: AreaType.INDUSTRY,
    Zoning.HEAVY_INDUSTRY: AreaType.INDUSTRY,
    Zoning.WAREHOUSE_LOGISTICS: AreaType.LOGISTICS,
    Zoning.OFFICE: AreaType.OFFICE,
    Zoning.COMBINED: AreaType.MIXED,
    Zoning.RETAIL: AreaType.MIXED,
    Zoning.PORT: AreaType.PORT,
}


@dataclass
class PlanProposal:
    """What a plan file would add: plots or business areas, decisions, and what was left out, and why.

    Attributes
    ----------
    source : str
    specification : str
    plots : GeoDataFrame
        Plot input fields and polygons (EPSG:25832), one per business-land area.
    areas : GeoDataFrame or None
        Business areas instead of plots (``as_areas``).
    decisions : list of Decision
        One pending decision per båndlegging zone that locks a proposed plot.
    left_out : Counter
        Reason -> number of land-use areas not proposed.
    """

    source: str
    specification: str
    plots: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame | None = None
    decisions: list[Decision] = field(default_factory=list)
    left_out: Counter[str] = field(default_factory=Counter)
    not_read: Counter[str] = field(default_factory=Counter)
    problems: list[Any] = field(default_factory=list)

    def to_text(self) -> str:
        """The proposal as the command line prints it."""
        lines = [f"{self.source}: {self.specification}"]
        frame = self.plots if self.areas is None else self.areas
        what = "plots" if self.areas is None else "business areas"
        lines.append(f"{len(frame)} {what} of business land ({frame.geometry.area.sum() / 1000:,.1f} daa):")
        for rec in self.plots.to_dict(orient="records"):
            decision = rec.get("decision_id")
            locked = f", locked by {decision}" if isinstance(decision, str) else ""
            lines.append(
                f"  {rec['code']}: {rec['zoning']}, plan {rec['plan_id']} ({rec['plan_status']}), "
                f"{rec['geometry'].area / 1000:,.1f} daa{locked}"
            )
        for d in self.decisions:
            lines.append(f"decision {d.decision_id}: {d.title} ({d.status})")
        for reason, n in sorted(self.left_out.items()):
            lines.append(f"left out: {n} area(s): {reason}")
        if self.not_read:
            lines.append("not read: " + ", ".join(f"{k} ({n})" for k, n in sorted(self.not_read.items())))
        for p in self.problems:
            lines.append(f"problem: {p}")
        return "\n".join(lines)


def _slug(text: str, *, limit: int = 64) -> str:
    return re.sub(r"[^a-z0-9_\-]+", "-", text.lower()).strip("-")[:limit]


def _code(text: str) -> str:
    code = re.sub(r"[^A-Za-zÆØÅæøå0-9_.\-]+", "-", text).strip("-.")
    return code[:40]


def _decision_for(zone: PlanFeature, *, source: str, day: dt.date, unlocked: PlotStatus) -> Decision:
    plan = zone.plan
    name = BANDLEGGING.get(zone.code, f"båndlegging {zone.code}")
    return Decision(
        decision_id=_slug(f"bandlegging-{plan.plan_id}-{zone.gml_id}"),
        title=f"{name} ({zone.code}) i {plan.name or 'plan'} {plan.plan_id}" + (f": {zone.name}" if zone.name else ""),
        description=(
            f"Hensynssone {zone.gml_id} (line {zone.line} of {source}) locks the land it covers until a "
            "decision is taken (pbl. § 11-8 tredje ledd bokstav d)."
        ),
        outcomes=[
            DecisionOutcome(
                name="lifted", description="the båndlegging ends; the plan's purpose applies", plot_status=unlocked
            ),
            DecisionOutcome(name="confirmed", description="the land is taken for the purpose of the båndlegging"),
        ],
        provenance={
            "*": FieldProvenance(
                source=source, date=day, method=IMPORTED, file=source, note=f"imported from plan {plan.plan_id}"
            )
        },
    )


def propose_business_land(
    doc: PlanDocument, *, status: PlotStatus = PlotStatus.PLANNED, day: dt.date | None = None
) -> PlanProposal:
    """Plots for the plan's business-land areas, locked where a båndlegging zone covers them.

    Parameters
    ----------
    doc : PlanDocument
        From :func:`~landreg.plans.gml.read_plan_gml` (EPSG:25832).
    status : PlotStatus
        Status of the plots not locked (default ``planned``).
    day : date, optional
        Date recorded in provenance (default today).

    Returns
    -------
    PlanProposal
    """
    day = day or dt.date.today()
    zoning_codes = load_mapping("sosi-arealformal").values["zoning"]
    locks = [z for z in doc.zones if z.code in BANDLEGGING]
    hazards = [z for z in doc.zones if z.code in FARESONE]
    rows: list[dict[str, Any]] = []
    decisions: dict[str, Decision] = {}
    left_out: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for area in doc.areas:
        zoning = zoning_codes.get(str(area.code))
        status_name, plan_status = PLAN_STATUS.get(area.plan.status_code or -1, ("unknown", None))
        if zoning is None:
            left_out[f"arealformål {area.code} is not business land"] += 1
            continue
        if plan_status is None:
            left_out[f"plan {area.plan.plan_id} has status {area.plan.status_code} ({status_name}), not in force"] += 1
            continue
        geom = area.geometry
        base = _code(f"{area.plan.local_id}-{area.name or area.gml_id}")
        codes[base] += 1
        code = base if codes[base] == 1 else _code(f"{base[:36]}-{codes[base]}")
        row: dict[str, Any] = {
            "code": code,
            "name": (f"{area.name} ({area.plan.name})" if area.name else area.plan.name or code)[:200],
            "municipality_no": area.plan.municipality_no,
            "status": status.value,
            "zoning": zoning,
            "plan_status": plan_status.value,
            "plan_id": area.plan.plan_id[:64],
            "readiness": (Readiness.ZONED if plan_status is PlanStatus.ADOPTED else Readiness.RAW).value,
            "provenance": {
                "*": {
                    "source": doc.source,
                    "date": day.isoformat(),
                    "method": IMPORTED.value,
                    "file": doc.source,
                    "note": f"imported from plan {area.plan.plan_id}, {area.feature_type} {area.gml_id}",
                }
            },
            "geometry": geom,
        }
        notes = []
        for zone in locks:
            if shapely.area(shapely.intersection(geom, zone.geometry)) > LOCK_MIN_SHARE * geom.area:
                decision = _decision_for(zone, source=doc.source, day=day, unlocked=status)
                decisions.setdefault(decision.decision_id, decision)
                row.update(status=PlotStatus.LOCKED.value, decision_id=decision.decision_id)
                notes.append(f"båndlagt ({zone.code} {BANDLEGGING[zone.code]}) i påvente av vedtak")
                break
        for zone in hazards:
            share = shapely.area(shapely.intersection(geom, zone.geometry)) / geom.area
            if share > 0:
                notes.append(f"faresone {zone.code} {FARESONE[zone.code]} over {share:.0%} of the area")
        if notes:
            row["availability_note"] = "; ".join(notes)[:500]
        rows.append(row)
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS) if rows else _empty()
    return PlanProposal(
        source=doc.source,
        specification=doc.specification,
        plots=frame,
        decisions=list(decisions.values()),
        left_out=left_out,
        not_read=doc.not_read,
    )


def _empty() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"code": [], "zoning": [], "plan_id": []}, geometry=[], crs=STORAGE_CRS)


def _areas_from(plots: gpd.GeoDataFrame, *, source: str, day: dt.date) -> gpd.GeoDataFrame:
    rows = []
    for rec in plots.to_dict(orient="records"):
        area = BusinessArea(
            area_id=_slug(f"plan-{rec['plan_id']}-{rec['code']}"),
            name=rec["name"][:100],
            municipality_no=rec["municipality_no"],
            area_type=_AREA_TYPE[Zoning(rec["zoning"])],
            strategic_note=f"From plan {rec['plan_id']} ({rec['plan_status']}); zoning {rec['zoning']}",
            provenance={
                "*": FieldProvenance(
                    source=source, date=day, method=IMPORTED, file=source, note="imported from a zoning plan"
                )
            },
        )
        rows.append({**area.model_dump(mode="json"), "geometry": rec["geometry"]})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=STORAGE_CRS)


def import_plan(
    registry: Registry,
    path: str | Path | PlanDocument,
    *,
    actor: str,
    as_areas: bool = False,
    status: PlotStatus = PlotStatus.PLANNED,
    dry_run: bool = False,
    day: dt.date | None = None,
) -> PlanProposal:
    """Read a plan GML file (or take one read already) and add its business land to ``registry``, all or nothing.

    Plots (or, with ``as_areas``, business areas) get zoning, plan id and plan status from the
    plan; a plot under a båndlegging zone is locked and references a new pending Decision.

    Returns
    -------
    PlanProposal
        What was added (or, with ``dry_run``, what would be; its ``problems`` list what stops it).

    Raises
    ------
    PlanGmlError
        The file cannot be read (file, line and feature named).
    ValidationError
        A proposed plot fails validation; nothing is written.
    """
    day = day or dt.date.today()
    doc = path if isinstance(path, PlanDocument) else read_plan_gml(path)
    path = Path(doc.source)
    proposal = propose_business_land(doc, status=status, day=day)
    if as_areas:
        proposal.areas = _areas_from(proposal.plots, source=path.name, day=day)
        existing = registry.load_business_areas()
        taken = set(existing["area_id"]) & set(proposal.areas["area_id"])
        if taken:
            proposal.problems.append(f"business area id(s) {sorted(taken)} are already in the registry")
        if dry_run or proposal.problems:
            if proposal.problems and not dry_run:
                raise ValidationError(
                    [Problem("all records", "area_id", p, whole_input=True) for p in proposal.problems],
                    context=path.name,
                )
            return proposal
        combined = pd.concat([existing.to_crs(STORAGE_CRS), proposal.areas], ignore_index=True)
        registry.save_business_areas(gpd.GeoDataFrame(combined, geometry="geometry", crs=STORAGE_CRS))
        return proposal
    proposal.problems = check_plots(registry, proposal.plots, repair=False, context=path.name)
    if dry_run:
        return proposal
    if proposal.problems:
        raise ValidationError(proposal.problems, context=path.name)
    before = registry.load_decisions()
    known = {d.decision_id for d in before}
    new = [d for d in proposal.decisions if d.decision_id not in known]
    with registry.transaction():  # the decisions and the plots locked by them: both stored, or neither
        if new:
            registry.save_decisions([*before, *new])
        registry.add_plots(proposal.plots, actor=actor, context=path.name)
    return proposal
