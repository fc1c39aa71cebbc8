"""Scenario specifications and their names on the command line.

A scenario is a set of changes applied to copies of the plots and layers:

* ``decision:<decision_id>=<outcome>`` — a decision's outcome (plots it locks get the
  outcome's status; destinations are added or removed);
* ``road:<project_id>`` — a planned road added to a copy of the road network
  (``roads:all`` adds every road project);
* ``relocate:<firm name>`` — a firm moves out: the plots it occupies become available;
* presets ``torgard-terminal-built`` and ``torgard-terminal-not-built``, and one alias
  ``<decision-id>-<outcome>`` per decision outcome (``_`` written as ``-``).

Parts combine with ``+``, e.g. ``torgard-terminal-built+road:torgard_access``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from landreg.model.entities import Decision
from landreg.scoring.errors import UnknownScenarioError

PRESETS: dict[str, tuple[str, str]] = {
    "torgard-terminal-built": ("torgard_freight_terminal", "built"),
    "torgard-terminal-not-built": ("torgard_freight_terminal", "not_built"),
}


class ScenarioSpec(BaseModel):
    """What a scenario changes.

    Attributes
    ----------
    name, description : str
    decision_outcomes : dict
        Decision id -> outcome name.
    road_projects : list of str
        Road project ids added to the network.
    relocations : list of str
        Firm names moving out of their plots.
    """

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    decision_outcomes: dict[str, str] = Field(default_factory=dict)
    road_projects: list[str] = Field(default_factory=list)
    relocations: list[str] = Field(default_factory=list)


def _alias(decision_id: str, outcome: str) -> str:
    return f"{decision_id}-{outcome}".replace("_", "-")


def list_scenarios(decisions: Sequence[Decision], *, road_project_ids: Sequence[str]) -> list[dict[str, Any]]:
    """Every single-part scenario name available for these decisions and road projects, with a description."""
    out: list[dict[str, Any]] = []
    known = {d.decision_id: d for d in decisions}
    for name, (did, oc) in PRESETS.items():
        if did in known and any(o.name == oc for o in known[did].outcomes):
            out.append({"name": name, "description": f"{known[did].title}: outcome {oc!r}"})
    for d in decisions:
        for o in d.outcomes:
            out.append(
                {"name": f"decision:{d.decision_id}={o.name}", "description": f"{d.title}: {o.description or o.name}"}
            )
    for pid in road_project_ids:
        out.append({"name": f"road:{pid}", "description": f"add road project {pid!r} to the network"})
    if road_project_ids:
        out.append({"name": "roads:all", "description": "add every road project to the network"})
    out.append({"name": "relocate:<firm name>", "description": "a firm moves out; its plots become available"})
    return out


def parse_scenario(text: str, *, decisions: Sequence[Decision], road_project_ids: Sequence[str]) -> ScenarioSpec:
    """A :class:`ScenarioSpec` from a command-line name (see the module docstring).

    Raises
    ------
    UnknownScenarioError
        When a part names no known preset, decision outcome or road project.
    """
    known = {d.decision_id: d for d in decisions}
    aliases = {_alias(d.decision_id, o.name): (d.decision_id, o.name) for d in decisions for o in d.outcomes}
    aliases.update({k: v for k, v in PRESETS.items() if v[0] in known})
    spec = ScenarioSpec(name=text)
    notes: list[str] = []
    for part in filter(None, (p.strip() for p in text.split("+"))):
        if part in aliases:
            did, oc = aliases[part]
        elif part.startswith("decision:"):
            did, _, oc = part.removeprefix("decision:").partition("=")
        elif part.startswith("road:"):
            pid = part.removeprefix("road:")
            if pid not in road_project_ids:
                raise UnknownScenarioError(f"no road project {pid!r}; expected one of {sorted(road_project_ids)}")
            spec.road_projects.append(pid)
            notes.append(f"road project {pid} built")
            continue
        elif part == "roads:all":
            spec.road_projects.extend(p for p in road_project_ids if p not in spec.road_projects)
            notes.append("all road projects built")
            continue
        elif part.startswith("relocate:"):
            spec.relocations.append(part.removeprefix("relocate:").strip())
            notes.append(f"{spec.relocations[-1]} moves out")
            continue
        else:
            names = [s["name"] for s in list_scenarios(decisions, road_project_ids=road_project_ids)]
            raise UnknownScenarioError(f"unknown scenario {part!r}; expected one of {names} (combine with '+')")
        if did not in known or not any(o.name == oc for o in known[did].outcomes):
            outcomes = {d: [o.name for o in known[d].outcomes] for d in known}
            raise UnknownScenarioError(f"no decision outcome {did!r}={oc!r}; the registry has {outcomes}")
        spec.decision_outcomes[did] = oc
        notes.append(f"{known[did].title}: {oc}")
    if not notes:
        raise UnknownScenarioError(f"empty scenario {text!r}; run with --list to see the names")
    spec.description = "; ".join(notes)
    return spec
