"""The synthetic summary of a whole registry: its live plots, price history, business areas and enrichment layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from landreg.provenance.synthetic import SyntheticSummary, layers_used_by, summarize_synthetic


def registry_synthetic_summary(registry: Any, *, layers_dir: str | Path | None = None) -> SyntheticSummary:
    """What is synthetic in ``registry``: every live plot's fields, the price history, the business areas.

    With ``layers_dir`` the layers the stored enrichment used count too (their manifest
    ``synthetic`` flag), so a registry enriched from a synthetic DEM says so.

    Parameters
    ----------
    registry : PlotRegistry
        The registry (only read).
    layers_dir : str or Path, optional
        Folder with ``layers.toml``.

    Returns
    -------
    SyntheticSummary
    """
    plots = registry.query_plots()
    layers = None
    if layers_dir is not None:
        from landreg.layers.manifest import load_manifest

        enrichment = registry.load_enrichment()
        layers = layers_used_by(enrichment, manifest=load_manifest(layers_dir))
    return summarize_synthetic(
        plots,
        price_observations=registry.price_history(),
        business_areas=registry.load_business_areas(),
        layers=layers,
    )
