"""Recording a decision on both backends: versioned plot edits, the decision's state, its log, reopening."""

from __future__ import annotations

import datetime as dt

import pytest

from landreg.errors import EntityNotFoundError, UnknownOutcomeError
from landreg.model.entities import Decision
from landreg.testing import make_plot_frame

DECISION = Decision(
    decision_id="torgard_freight_terminal",
    title="Godsterminal på Torgård – lokalisering",
    outcomes=[
        {"name": "built", "plot_status": "reserved", "adds_destinations": ["freight_torgard"]},
        {"name": "not_built", "plot_status": "available"},
    ],
)


@pytest.fixture
def locked(registry):
    frame = make_plot_frame(3, seed=4)
    frame["status"] = ["locked", "locked", "available"]
    frame["decision_id"] = [DECISION.decision_id, DECISION.decision_id, None]
    ids = registry.add_plots(frame, actor="setup")
    registry.save_decisions([DECISION])
    return registry, ids


def test_recording_an_outcome_edits_the_locked_plots_and_logs_it(locked):
    reg, ids = locked
    result = reg.record_decision(
        DECISION.decision_id, outcome="built", decided_on=dt.date(2027, 5, 1), actor="ola", note="vedtak i bystyret"
    )
    assert set(result.changed.values()) == {("locked", "reserved")} and len(result.changed) == 2
    assert result.adds_destinations == ["freight_torgard"]
    assert [reg.get_plot(i).status for i in ids] == ["reserved", "reserved", "available"]
    last = reg.plot_history(ids[0]).iloc[-1]
    assert last["actor"] == "ola" and last["before"] == {"status": "locked"} and last["after"] == {"status": "reserved"}
    assert last["note"] == "decision torgard_freight_terminal: built on 2027-05-01 (vedtak i bystyret)"
    dec = reg.get_decision(DECISION.decision_id)
    assert (str(dec.status), dec.outcome, dec.decided_on) == ("decided", "built", dt.date(2027, 5, 1))
    reg.record_decision(DECISION.decision_id, outcome="not_built", decided_on=dt.date(2027, 6, 1), actor="ola")
    assert [reg.get_plot(i).status for i in ids[:2]] == ["available", "available"]  # from locked, not reserved
    reg.record_decision(DECISION.decision_id, outcome="pending", decided_on=dt.date(2027, 7, 1), actor="kari")
    assert [reg.get_plot(i).status for i in ids[:2]] == ["locked", "locked"]
    log = reg.decision_log(DECISION.decision_id)
    assert [(r["status_before"], r["status"], r["outcome"]) for r in log] == [
        ("pending", "decided", "built"),
        ("decided", "decided", "not_built"),
        ("decided", "pending", None),
    ]
    assert log[0]["plots"][ids[0]] == ["locked", "locked", "reserved"] and log[0]["decided_on"] == "2027-05-01"
    assert log[0]["recorded_at"].endswith("Z") and reg.decision_log() == log


def test_unknown_decisions_and_outcomes_change_nothing(locked):
    reg, ids = locked
    with pytest.raises(EntityNotFoundError, match="no decision"):
        reg.record_decision("nope", outcome="built", decided_on=dt.date(2027, 5, 1), actor="ola")
    with pytest.raises(UnknownOutcomeError):
        reg.record_decision(DECISION.decision_id, outcome="maybe", decided_on=dt.date(2027, 5, 1), actor="ola")
    assert [reg.get_plot(i).version for i in ids] == [1, 1, 1] and reg.decision_log() == []
