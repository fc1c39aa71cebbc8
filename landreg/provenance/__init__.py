"""Provenance of stored values and the synthetic notice every output derives from the data it used.

Each stored value carries its provenance (source, date, method: observed, imported, edited,
derived, synthetic).  :func:`summarize_synthetic` counts exactly what is synthetic in the data
an output used; its :meth:`~SyntheticSummary.text` is the notice (English or bokmål), empty
when nothing is.
"""

from __future__ import annotations

from landreg.provenance.entries import (
    FIELD_GROUPS,
    edited_provenance,
    entry_is_synthetic,
    entry_of,
    imported_provenance,
    parse_provenance,
    synthetic_groups_of,
)
from landreg.provenance.registry import price_synthetic_summary, registry_synthetic_summary
from landreg.provenance.synthetic import (
    LANGUAGES,
    SyntheticCount,
    SyntheticSummary,
    layers_used_by,
    summarize_synthetic,
)

__all__ = [
    "FIELD_GROUPS",
    "LANGUAGES",
    "SyntheticCount",
    "SyntheticSummary",
    "edited_provenance",
    "entry_is_synthetic",
    "entry_of",
    "imported_provenance",
    "layers_used_by",
    "parse_provenance",
    "price_synthetic_summary",
    "registry_synthetic_summary",
    "summarize_synthetic",
    "synthetic_groups_of",
]
