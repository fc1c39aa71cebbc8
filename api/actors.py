"""Who made a change is shown to editors only, unless the service is configured to show it to all.

Plots and their history carry the name of the token behind each change (``actor``,
``updated_by``, the ``provenance`` entry of each edited field, and the same inside a
version's ``before`` / ``after``). A public answer
replaces each name by ``editor 1``, ``editor 2``, ... numbered by first appearance in that
answer, so a reader still sees which changes one person made, but not who. The token of an
editor (planner or admin), or ``LANDREG_API_PUBLIC_ACTORS=true``, shows the names: editors
send plots back as they read them (GET, then PUT), and a body with pseudonyms in its
provenance would overwrite the names stored.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any

from fastapi import Request

from landreg.tokens import AuthenticationError, Role

#: Members that hold the name of whoever made a change.
ACTOR_FIELDS = ("actor", "updated_by")
_CHANGE_SIDES = ("before", "after")


def shows_actors(request: Request) -> bool:
    """Whether this request may see actor names: the service shows them to all, or an editor asks."""
    if request.app.state.settings.public_actors:
        return True
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        return False
    try:
        principal = request.app.state.registry.authenticate(header[7:].strip())
    except AuthenticationError:
        return False
    return principal.role in (Role.PLANNER, Role.ADMIN)


def hide_actors(records: Iterable[MutableMapping[str, Any]]) -> None:
    """Replace, in place, the actor names of ``records`` by numbered editors.

    Names are replaced in the actor members, in the ``provenance`` entries of edits (whose
    ``source`` and ``editor`` are the editor), and in the same places inside a version's
    ``before`` and ``after``, whether they are objects or JSON text.
    """
    aliases: dict[str, str] = {}

    def alias(name: Any) -> Any:
        return None if name is None else aliases.setdefault(str(name), f"editor {len(aliases) + 1}")

    def replace_in(record: MutableMapping[str, Any]) -> None:
        for name in ACTOR_FIELDS:
            if record.get(name) is not None:
                record[name] = alias(record[name])
        _edit_json(record, "provenance", replace_in_provenance)

    def replace_in_provenance(provenance: MutableMapping[str, Any]) -> None:
        for entry in provenance.values():
            if _is_mapping(entry) and entry.get("editor") is not None:
                if entry.get("source") == entry["editor"]:
                    entry["source"] = alias(entry["source"])
                entry["editor"] = alias(entry["editor"])

    for record in records:
        replace_in(record)
        for side in _CHANGE_SIDES:
            _edit_json(record, side, replace_in)


def _edit_json(record: MutableMapping[str, Any], name: str, edit: Callable[[MutableMapping[str, Any]], None]) -> None:
    """Apply ``edit`` to the object ``record[name]``, also when it is held as JSON text."""
    value = record.get(name)
    if value is None:
        return
    if _is_mapping(value):
        edit(value)
    elif isinstance(value, str) and value.startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return
        if isinstance(parsed, dict):
            edit(parsed)
            record[name] = json.dumps(parsed, ensure_ascii=False)


def _is_mapping(value: Any) -> bool:
    """Whether ``value`` is a mutable mapping (a plain dict answered without the slower ABC check)."""
    return type(value) is dict or isinstance(value, MutableMapping)


def hide_actors_unless_allowed(request: Request, records: Iterable[MutableMapping[str, Any]]) -> None:
    """:func:`hide_actors` on ``records`` unless :func:`shows_actors` allows this request the names."""
    if not shows_actors(request):
        hide_actors(records)
