"""The synthetic notice of API responses, derived from the data each one used (:mod:`landreg.provenance`).

Analysis responses carry ``synthetic``: whether any value used is synthetic, the exact
counts per group (plots per field group, price observations, business areas, layers the
enrichment used) and the notice in English and bokmål — empty for a registry of real data.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import Depends, Request

from api.deps import get_registry
from landreg.provenance import SyntheticSummary, registry_synthetic_summary, summarize_synthetic
from landreg.registry.base import AnalysisSource


def registry_notice(request: Request, registry: AnalysisSource = Depends(get_registry)) -> dict[str, Any]:
    """The ``synthetic`` member of an analysis response: what is synthetic in the plots, prices and layers used."""
    layers_dir = getattr(request.app.state.settings, "layers_dir", None)
    return registry_synthetic_summary(registry, layers_dir=layers_dir).to_dict()


def features_summary(
    collection_id: str, features: list[dict[str, Any]], *, layer_synthetic: bool | None
) -> SyntheticSummary | None:
    """What is synthetic in the features of a page (None when it cannot be told from them).

    Plots count per field group from their ``provenance``; business areas from theirs; a layer
    collection by its manifest flag (``layer_synthetic``).
    """
    records = [f.get("properties") or {} for f in features]
    if collection_id == "plots":
        if any("provenance" not in r for r in records):
            return None  # the properties asked for leave provenance out
        if not features:
            return SyntheticSummary()
        return summarize_synthetic(records)
    props = pd.DataFrame(records)
    if collection_id == "business_areas" and (not features or "provenance" in props.columns):
        return summarize_synthetic(business_areas=props)
    if layer_synthetic is not None:
        return summarize_synthetic(layers={collection_id: layer_synthetic})
    return None
