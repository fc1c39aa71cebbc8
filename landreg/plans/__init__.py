"""Norwegian zoning plans: reading plan GML (SOSI Plan 4.x and 5.0) and proposing business land."""

from __future__ import annotations

from landreg.plans.gml import PlanDocument, PlanFeature, PlanGmlError, PlanInfo, read_plan_gml
from landreg.plans.propose import PlanProposal, import_plan, propose_business_land

__all__ = [
    "PlanDocument",
    "PlanFeature",
    "PlanGmlError",
    "PlanInfo",
    "PlanProposal",
    "import_plan",
    "propose_business_land",
    "read_plan_gml",
]
