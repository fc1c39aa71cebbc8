"""Recording a decision: versioned plot edits, the destination built for the enrichment, reversal."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from landreg.decisions import decide
from landreg.enrich import enriched_plots
from landreg.errors import EntityNotFoundError, UnknownOutcomeError
from landreg.registry import open_registry

from .conftest import LAYERS

TORGARD = "torgard_freight_terminal"


def _statuses(reg):
    plots = reg.query_plots()
    plots = plots[plots["decision_id"] == TORGARD]
    return dict(zip(plots["code"], plots["status"].astype(str), strict=True))


def test_decide_applies_outcome_as_versioned_edits_and_reverses(demo_path):
    with open_registry(demo_path) as reg:
        before = _statuses(reg)
        assert before and set(before.values()) == {"locked"}
        versions = {c: reg.get_plot_by_code(c).version for c in before}
        result = decide(reg, TORGARD, outcome="built", decided_on=dt.date(2027, 5, 1), actor="ola")
        assert set(_statuses(reg).values()) == {"reserved"}  # the built outcome's plot_status
        assert set(result.changed) == set(before)
        assert result.adds_destinations == ["freight_torgard"]
        dec = reg.get_decision(TORGARD)
        assert (str(dec.status), dec.outcome, dec.decided_on) == ("decided", "built", dt.date(2027, 5, 1))
        code = sorted(before)[0]
        hist = reg.plot_history(reg.get_plot_by_code(code).plot_id)
        last = hist.iloc[-1]
        assert last["actor"] == "ola" and last["version"] == versions[code] + 1
        assert "decision torgard_freight_terminal: built on 2027-05-01" in last["note"]
        assert last["before"] == {"status": "locked"} and last["after"] == {"status": "reserved"}

        # another outcome starts from the statuses before the decision (locked), not from "reserved"
        decide(reg, TORGARD, outcome="not_built", decided_on=dt.date(2027, 6, 1), actor="ola")
        assert set(_statuses(reg).values()) == {"available"}
        # reopening restores the locked state, as new versions
        decide(reg, TORGARD, outcome="pending", decided_on=dt.date(2027, 7, 1), actor="kari")
        assert _statuses(reg) == before
        assert str(reg.get_decision(TORGARD).status) == "pending" and reg.get_decision(TORGARD).outcome is None
        assert reg.get_plot_by_code(code).version == versions[code] + 3
        assert [r["status"] for r in reg.decision_log(TORGARD)] == ["decided", "decided", "pending"]


def test_plot_edited_since_the_decision_is_left_alone(demo_path):
    with open_registry(demo_path) as reg:
        decide(reg, TORGARD, outcome="built", decided_on=dt.date(2027, 5, 1), actor="ola")
        code = sorted(_statuses(reg))[0]
        p = reg.get_plot_by_code(code)
        reg.update_plot(p.plot_id, {"status": "sold"}, expected_version=p.version, actor="kari")
        result = decide(reg, TORGARD, outcome="pending", decided_on=dt.date(2027, 7, 1), actor="ola")
        assert code in result.skipped and "sold" in result.skipped[code]
        assert str(reg.get_plot_by_code(code).status) == "sold"
        assert all(s == "locked" for c, s in _statuses(reg).items() if c != code)


def test_built_terminal_is_routed_to_after_enrichment(demo_path):
    from landreg.enrich import enrich_registry

    with open_registry(demo_path) as reg:
        assert enriched_plots(reg)["freight_terminal_travel_time_s"].isna().all()  # planned: not routed to
        decide(reg, TORGARD, outcome="built", decided_on=dt.date(2027, 5, 1), actor="ola")
        enrich_registry(reg, layers_dir=LAYERS)
        times = enriched_plots(reg)["freight_terminal_travel_time_s"].to_numpy(dtype=float)
        assert np.isfinite(times).mean() > 0.9
        decide(reg, TORGARD, outcome="not_built", decided_on=dt.date(2027, 6, 1), actor="ola")
        enrich_registry(reg, layers_dir=LAYERS)
        assert enriched_plots(reg)["freight_terminal_travel_time_s"].isna().all()


def test_unknown_decision_and_outcome(demo_path):
    with open_registry(demo_path) as reg:
        with pytest.raises(EntityNotFoundError):
            decide(reg, "nope", outcome="built", decided_on=dt.date(2027, 1, 1), actor="x")
        with pytest.raises(UnknownOutcomeError) as err:
            decide(reg, TORGARD, outcome="maybe", decided_on=dt.date(2027, 1, 1), actor="x")
        assert err.value.valid == ["built", "not_built", "pending"]
        assert set(_statuses(reg).values()) == {"locked"}  # nothing written


def test_cli_decide_and_reopen(demo_path, run):
    res = run("decision", "list", "--registry", demo_path)
    assert res.exit_code == 0 and TORGARD in res.output and "pending" in res.output
    res = run(
        "decision",
        "decide",
        TORGARD,
        "--outcome",
        "built",
        "--date",
        "2027-05-01",
        "--registry",
        demo_path,
        "--layers",
        LAYERS,
        "--actor",
        "ola",
    )
    assert res.exit_code == 0, res.output
    assert "locked -> reserved" in res.output and "freight_torgard" in res.output and "recomputed" in res.output
    with open_registry(demo_path) as reg:
        assert set(_statuses(reg).values()) == {"reserved"}
        assert enriched_plots(reg)["freight_terminal_travel_time_s"].notna().any()
    res = run("decision", "decide", TORGARD, "--outcome", "rejected", "--registry", demo_path)
    assert res.exit_code == 1 and "expected one of ['built', 'not_built', 'pending']" in res.output
    assert "Traceback" not in res.output
    res = run(
        "decision",
        "decide",
        TORGARD,
        "--outcome",
        "pending",
        "--date",
        "2027-07-01",
        "--registry",
        demo_path,
        "--no-enrich",
    )
    assert res.exit_code == 0 and "reserved -> locked" in res.output
    res = run("history", "TOR-001", "--registry", demo_path)
    assert "decision torgard_freight_terminal: built on 2027-05-01" in res.output
    res = run("decision", "log", TORGARD, "--registry", demo_path)
    assert "pending -> decided/built" in res.output and "decided/built -> pending" in res.output


def test_plots_split_after_the_decision_are_restored_from_their_parent(demo_path):
    import shapely

    with open_registry(demo_path) as reg:
        decide(reg, TORGARD, outcome="built", decided_on=dt.date(2027, 5, 1), actor="ola")
        parent = reg.get_plot_by_code("TOR-001")
        minx, miny, maxx, maxy = parent.geometry.bounds
        x = (minx + maxx) / 2
        kids = reg.split_plot(
            parent.plot_id,
            expected_version=parent.version,
            actor="kari",
            blade=shapely.LineString([(x, miny - 10), (x, maxy + 10)]),
            crs=25832,
        )
        assert {str(k.status) for k in kids} == {"reserved"}
        result = decide(reg, TORGARD, outcome="pending", decided_on=dt.date(2027, 7, 1), actor="ola")
        assert {str(reg.get_plot(k.plot_id).status) for k in kids} == {"locked"}
        assert {k.code for k in kids} <= set(result.changed)
