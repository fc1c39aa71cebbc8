"""Raw and serviced prices (and fee treatments) are never silently mixed."""

from __future__ import annotations

import pytest

from landreg.errors import LandregError
from landreg.prices import (
    LandregWarning,
    MixedPriceBasisError,
    MixedPriceBasisWarning,
    compare_groups,
    compare_prices,
    ensure_like_for_like,
    fit_price_model,
    price_index,
    select_prices,
)


def test_error_hierarchy():
    assert issubclass(MixedPriceBasisError, LandregError)
    assert issubclass(MixedPriceBasisError, ValueError)
    assert issubclass(MixedPriceBasisWarning, LandregWarning)
    assert issubclass(LandregWarning, UserWarning)


def test_compare_refuses_mixed_basis(tiny_observations):
    # A holds a raw price; B only serviced ones.
    with pytest.raises(MixedPriceBasisError, match="raw, fees excluded"):
        compare_groups(tiny_observations, by="municipality", a="A", b="B", kind="asking")


def test_compare_mixes_with_warning(tiny_observations):
    with pytest.warns(MixedPriceBasisWarning, match="not like-for-like"):
        result = compare_groups(tiny_observations, by="municipality", a="A", b="B", kind="asking", mix=True, n_boot=50)
    assert len(result.price_classes) == 2


def test_fee_treatments_are_classes_too(tiny_observations):
    obs = tiny_observations[tiny_observations["kind"] == "asking"].copy()
    serviced = obs[obs["basis"] == "serviced"].copy()
    other = serviced.copy()
    other["connection_fees_included"] = False
    with pytest.raises(MixedPriceBasisError, match="fees excluded"):
        compare_prices(serviced, other)


def test_kinds_are_not_mixed(tiny_observations):
    serviced = select_prices(tiny_observations, basis="serviced")
    with pytest.raises(MixedPriceBasisError, match="kinds"):
        ensure_like_for_like(serviced)


def test_index_and_model_refuse_mixed(tiny_observations):
    with pytest.raises(MixedPriceBasisError):
        price_index(tiny_observations, kind="asking")
    with pytest.raises(MixedPriceBasisError):
        fit_price_model(tiny_observations, kind="asking")


def test_single_class_passes_silently(tiny_observations):
    obs = select_prices(tiny_observations, kind="asking", basis="serviced")
    assert ensure_like_for_like(obs) == ["serviced, fees included"]
