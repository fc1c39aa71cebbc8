"""Provenance entries of stored values: reading them, what is synthetic, and what an edit records.

A plot's provenance maps field names to entries (``source``, ``date``, ``method``,
``editor``, ``file``, ``mapping``, ``note``); the key ``"*"`` gives the entry of every
field without its own.  Stored as JSON text in the registry, as dicts in frames and as
:class:`~landreg.model.plot.FieldProvenance` on :class:`~landreg.model.plot.Plot`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from landreg.model.enums import ProvenanceMethod

#: Plot fields grouped by what an output shows (``"plots"`` is the plot record itself: its outline).
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "plots": ("geometry",),
    "prices": ("price_min_nok_m2", "price_max_nok_m2", "price_basis", "connection_fees_included", "price_history"),
    "status": ("status", "available_from", "availability_note", "decision_id"),
    "zoning": ("zoning", "plan_status", "plan_id"),
    "readiness": ("readiness", "utilities", "requires_new_road"),
    "owners": ("owner_type",),
    "firms": ("occupants",),
}
#: Fields whose value always exists (a default counts as a value: the plot shows it).
ALWAYS_VALUED = frozenset({"geometry", "status", "plan_status", "readiness", "requires_new_road", "utilities"})
_ALWAYS_VALUED = ALWAYS_VALUED


def parse_provenance(value: Any) -> dict[str, dict[str, Any]]:
    """A provenance as a dict of plain dicts, from JSON text, a dict (of dicts or models) or None.

    Raises
    ------
    ValueError
        When text is not a JSON object.
    """
    if value is None or (isinstance(value, float) and value != value):
        return {}
    if isinstance(value, str):
        if not value.strip():
            return {}
        value = json.loads(value)
    if type(value) is not dict and not isinstance(value, Mapping):
        raise ValueError(f"provenance must be a JSON object of field -> entry, got {type(value).__name__}")
    out: dict[str, dict[str, Any]] = {}
    for key, entry in value.items():
        if type(entry) is dict:  # parsed JSON, the common case: no model or ABC checks
            out[str(key)] = {k: v for k, v in entry.items() if v is not None}
            continue
        if hasattr(entry, "model_dump"):
            entry = entry.model_dump(mode="json", exclude_none=True)
        out[str(key)] = {k: v for k, v in entry.items() if v is not None} if isinstance(entry, Mapping) else {}
    return out


def entry_of(provenance: Mapping[str, Mapping[str, Any]], field_name: str) -> Mapping[str, Any] | None:
    """The entry of one field, falling back to the ``"*"`` default (None when neither exists)."""
    return provenance.get(field_name) or provenance.get("*")


def entry_is_synthetic(entry: Mapping[str, Any] | None) -> bool:
    """True for an entry of generated demonstration data.

    ``method`` decides; an entry without one (written before methods were recorded) is
    synthetic when its ``source`` is ``"synthetic"``.
    """
    if not entry:
        return False
    method = entry.get("method")
    if method:
        return str(method) == ProvenanceMethod.SYNTHETIC.value
    return str(entry.get("source", "")) == "synthetic"


def entry_source(entry: Mapping[str, Any] | None) -> str:
    """The entry's source (``"unknown"`` when there is none)."""
    return str(entry.get("source")) if entry and entry.get("source") else "unknown"


def has_value(record: Mapping[str, Any], field_name: str) -> bool:
    """Whether a plot record holds a value for ``field_name`` (lists: non-empty; NaN and None: no value)."""
    if field_name in _ALWAYS_VALUED:
        return True
    if field_name == "price_history":
        return False  # observations are counted from the price history itself
    value = record.get(field_name)
    if value is None or (isinstance(value, float) and value != value):
        return False
    if isinstance(value, str) and value.strip() in ("", "[]"):
        return False
    if isinstance(value, (list, tuple)) and not value:
        return False
    if isinstance(value, (str, int, float, bool, list, tuple, dict)):
        return True  # a plain value, present (the missing ones are answered above)
    try:
        import pandas as pd

        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # arrays and other containers are values
        return True


def synthetic_groups_of(record: Mapping[str, Any], *, groups: Iterable[str] | None = None) -> list[str]:
    """The field groups (of :data:`FIELD_GROUPS`) in which this plot holds a synthetic value.

    Parameters
    ----------
    record : mapping
        One plot's fields, with ``provenance`` (JSON text or dict).
    groups : iterable of str, optional
        Groups to look at (default all).

    Returns
    -------
    list of str
    """
    prov = parse_provenance(record.get("provenance"))
    out = []
    for group in groups or FIELD_GROUPS:
        if any(has_value(record, f) and entry_is_synthetic(entry_of(prov, f)) for f in FIELD_GROUPS[group]):
            out.append(group)
    return out


def edited_provenance(
    provenance: Any,
    fields: Iterable[str],
    *,
    editor: str,
    day: dt.date,
    note: str | None = None,
) -> dict[str, dict[str, Any]]:
    """The provenance after ``editor`` changed ``fields`` on ``day``: each touched field gets its own entry.

    The entry (``method`` ``"edited"``, ``source`` and ``editor`` the editor, ``date``) replaces
    whatever the field had, a synthetic mark included; untouched fields keep theirs (also the
    ``"*"`` default).  A new geometry also re-derives ``area_m2``.

    Parameters
    ----------
    provenance : dict, str or None
        The plot's provenance before the edit.
    fields : iterable of str
        The fields whose values changed (``"geometry"`` for a new outline).
    editor : str
        Who made the change.
    day : date
        When.
    note : str, optional
        Why (kept in each new entry).

    Returns
    -------
    dict
    """
    out = parse_provenance(provenance)
    entry: dict[str, Any] = {
        "source": editor,
        "date": day.isoformat(),
        "method": ProvenanceMethod.EDITED.value,
        "editor": editor,
    }
    if note:
        entry["note"] = note[:500]
    for name in fields:
        if name in ("provenance", "last_verified"):
            continue
        out[name] = dict(entry)
    return out


def imported_provenance(*, file: str, mapping: str | None, day: dt.date) -> dict[str, dict[str, Any]]:
    """The provenance an import records for every field: the file, the mapping, the date, method ``imported``."""
    entry: dict[str, Any] = {
        "source": file,
        "date": day.isoformat(),
        "method": ProvenanceMethod.IMPORTED.value,
        "file": file,
        "note": "imported" + (f" with mapping {mapping!r}" if mapping else ""),
    }
    if mapping:
        entry["mapping"] = mapping
    return {"*": entry}


def _canonical(provenance: Any) -> dict[str, dict[str, Any]]:
    """Entries in their JSON form (dates as ISO text, no empty keys), so equal entries compare equal."""
    from pydantic import ValidationError as _Invalid

    from landreg.model.plot import FieldProvenance

    out = {}
    for key, entry in parse_provenance(provenance).items():
        try:
            out[key] = FieldProvenance.model_validate(entry).model_dump(mode="json", exclude_none=True)
        except _Invalid:  # left as given: the plot's validation reports it
            out[key] = entry
    return out


def edit_provenance_fields(
    new: Mapping[str, Any],
    changes: Mapping[str, Any],
    *,
    touched: Iterable[str],
    editor: str,
    day: dt.date,
    note: str | None = None,
    stored_provenance: Any = None,
) -> dict[str, Any]:
    """``provenance`` and ``last_verified`` of a plot after an edit (what every registry backend stores).

    Each touched field gets an ``edited`` entry (:func:`edited_provenance`), unless the change
    itself gives that field a new provenance entry; ``last_verified`` becomes ``day`` unless the
    change sets it to another date.  A provenance sent back as it was read (or left out, as in a replace that
    fills defaults) changes nothing: the stored entries stay, so a mark is only replaced on the
    fields the edit touched.

    Parameters
    ----------
    new : mapping
        The plot's fields after the change (``provenance`` as before, or as the change gave it).
    changes : mapping
        The change as asked for (field -> value).
    touched : iterable of str
        Fields whose stored value differs from before (``"geometry"`` for a new outline).
    editor : str
        Who made the change.
    day : date
        When.
    note : str, optional
        Why.
    stored_provenance : dict, optional
        The provenance stored before the change (default: ``new["provenance"]``).

    Returns
    -------
    dict
        ``{"provenance": ..., "last_verified": ...}`` to update ``new`` with.
    """
    stored = _canonical(new.get("provenance") if stored_provenance is None else stored_provenance)
    given = _canonical(changes.get("provenance")) if "provenance" in changes else {}
    explicit = {k: v for k, v in given.items() if stored.get(k) != v}
    fields = [f for f in touched if f not in explicit]
    prov = edited_provenance({**stored, **explicit}, fields, editor=editor, day=day, note=note)
    verified = new.get("last_verified")  # a date the change sets stays; otherwise the edit verifies today
    return {"provenance": prov, "last_verified": verified if "last_verified" in touched and verified else day}
