"""Land prices for analysts: summaries, a price index, group comparisons, a hedonic model,
a price surface, external benchmarks and cited reference prices.

Prices of different like-for-like classes (raw or serviced land; connection fees
included, excluded or unknown — an unknown treatment is its own class) and of
different kinds (asking, transaction) are never pooled silently: pass
``mix=True`` to pool them, which emits :class:`MixedPriceBasisWarning`.
"""

from __future__ import annotations

from landreg.prices.asking import price_nok_m2
from landreg.prices.benchmarks import (
    BENCHMARKS_PATH,
    compare_with_benchmarks,
    load_benchmarks,
    region_reference_price,
)
from landreg.prices.compare import GroupComparison, compare_groups, compare_prices
from landreg.prices.errors import (
    InsufficientPriceDataError,
    LandregWarning,
    MixedPriceBasisError,
    MixedPriceBasisWarning,
    UnknownBenchmarkError,
)
from landreg.prices.index import price_index
from landreg.prices.model import PriceModel, compare_asking_to_model, fit_price_model
from landreg.prices.moran import MoranResult, knn_weights, morans_i
from landreg.prices.observations import (
    FEES,
    PriceClass,
    build_price_observations,
    current_asking_prices,
    ensure_like_for_like,
    fees_flags,
    fees_treatment,
    load_price_observations,
    most_common_price_class,
    price_class_of,
    prices_are_synthetic,
    select_prices,
)
from landreg.prices.references import REFERENCES_PATH, in_region_references, load_price_references
from landreg.prices.summary import summarize_prices
from landreg.prices.surface import (
    PriceSurface,
    build_price_surface,
    idw_interpolate,
    plot_price_points,
    region_mask,
    save_price_surface,
)

__all__ = [
    "BENCHMARKS_PATH",
    "FEES",
    "REFERENCES_PATH",
    "GroupComparison",
    "InsufficientPriceDataError",
    "LandregWarning",
    "MixedPriceBasisError",
    "MixedPriceBasisWarning",
    "MoranResult",
    "PriceClass",
    "PriceModel",
    "PriceSurface",
    "UnknownBenchmarkError",
    "build_price_observations",
    "build_price_surface",
    "compare_asking_to_model",
    "compare_groups",
    "compare_prices",
    "compare_with_benchmarks",
    "current_asking_prices",
    "ensure_like_for_like",
    "fees_flags",
    "fees_treatment",
    "fit_price_model",
    "idw_interpolate",
    "in_region_references",
    "knn_weights",
    "load_benchmarks",
    "load_price_observations",
    "load_price_references",
    "morans_i",
    "most_common_price_class",
    "plot_price_points",
    "price_class_of",
    "price_index",
    "price_nok_m2",
    "prices_are_synthetic",
    "region_mask",
    "region_reference_price",
    "save_price_surface",
    "select_prices",
    "summarize_prices",
]
