"""The synthetic summary of a whole registry: its live plots, price history, business areas and enrichment layers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from landreg.provenance.synthetic import SyntheticSummary, count_grouped_plots, layers_used_by, summarize_synthetic

if TYPE_CHECKING:
    from landreg.registry.base import AnalysisSource, PricedPlotStore


def registry_synthetic_summary(registry: AnalysisSource, *, layers_dir: str | Path | None = None) -> SyntheticSummary:
    """What is synthetic in ``registry``: every live plot's fields, the price history, the business areas.

    With ``layers_dir`` the layers the stored enrichment used count too (their manifest
    ``synthetic`` flag), so a registry enriched from a synthetic DEM says so (a folder without
    ``layers.toml`` names no layers).

    Parameters
    ----------
    registry : AnalysisSource
        The registry (only read).
    layers_dir : str or Path, optional
        Folder with ``layers.toml``.

    Returns
    -------
    SyntheticSummary
    """
    # A registry in a database counts its plots there (grouped by provenance and the fields holding
    # a value: as many rows as distinct combinations, not one per plot); any other source is read.
    in_database = getattr(registry, "backend", None) in ("geopackage", "postgis")
    layers = None
    manifest_file = None if layers_dir is None else Path(layers_dir)
    if manifest_file is not None and manifest_file.suffix != ".toml":
        manifest_file = manifest_file / "layers.toml"
    if manifest_file is not None and manifest_file.is_file():  # without a manifest no layer is known to be used
        from landreg.layers.manifest import load_manifest

        if in_database:
            from landreg.registry.provenance_groups import enrichment_layer_versions

            enrichment = pd.DataFrame({"layer_versions": enrichment_layer_versions(registry)}, dtype=object)
        else:
            enrichment = registry.load_enrichment()
        layers = layers_used_by(enrichment, manifest=load_manifest(manifest_file))
    rest = summarize_synthetic(
        None if in_database else registry.query_plots(),
        price_observations=registry.price_history(),
        business_areas=registry.load_business_areas(),
        layers=layers,
    )
    if not in_database:
        return rest
    from landreg.registry.provenance_groups import provenance_groups

    return SyntheticSummary(tuple(count_grouped_plots(provenance_groups(registry))) + rest.counts)


def price_synthetic_summary(
    registry: PricedPlotStore, *, kind: str | None = None, basis: str | None = None
) -> SyntheticSummary:
    """What is synthetic in the price observations of the live plots (of one kind and basis, when given).

    The observations :func:`landreg.analysis.summarize_registry_prices` summarises with the same filters.

    Parameters
    ----------
    registry : PricedPlotStore
        The registry (only read).
    kind : {"asking", "transaction"}, optional
        Only this kind of price.
    basis : {"raw", "serviced"}, optional
        Only this basis (raw or serviced land).

    Returns
    -------
    SyntheticSummary
    """
    from landreg.prices import load_price_observations

    obs = load_price_observations(registry)
    if kind is not None:
        obs = obs[obs["kind"].astype(str) == kind]
    if basis is not None:
        obs = obs[obs["basis"].astype(str) == basis]
    return summarize_synthetic(price_observations=obs)
