"""Plots proposed from a zoning plan record the plan file and the method ``imported``: nothing of them is synthetic."""

from __future__ import annotations

from pathlib import Path

from landreg.plans.gml import read_plan_gml
from landreg.plans.propose import propose_business_land
from landreg.provenance import summarize_synthetic

PLAN = Path(__file__).resolve().parents[3] / "examples" / "reguleringsplan-ornelokka.gml"


def test_plan_plots_are_imported_not_synthetic():
    proposal = propose_business_land(read_plan_gml(PLAN))
    assert len(proposal.plots) > 0
    for prov in proposal.plots["provenance"]:
        assert prov["*"]["method"] == "imported" and prov["*"]["file"] == proposal.source
    summary = summarize_synthetic(proposal.plots)
    assert not summary.any_synthetic and summary.get("plots").n_total == len(proposal.plots)
