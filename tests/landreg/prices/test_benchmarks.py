"""The benchmark table: no invented figures, conversions at the stated rate, honest flags."""

from __future__ import annotations

import numpy as np
import pytest

from landreg.errors import ConfigurationError
from landreg.prices import UnknownBenchmarkError, compare_with_benchmarks, load_benchmarks

REF = {
    "price_nok_m2": 1800.0,
    "n_observations": 10,
    "year": 2026,
    "kind": "asking",
    "basis": "serviced",
    "price_classes": ("serviced, fees included",),
}


def test_shipped_table_is_honest():
    table = load_benchmarks()
    assert {"copenhagen", "gothenburg", "oslo", "stavanger"} <= set(table["id"])
    for _, row in table.iterrows():
        if row["status"] == "measured":
            assert np.isfinite(row["price_per_m2"]) and row["source"] and row["date"]
        else:
            assert np.isnan(row["price_per_m2"]) and np.isnan(row["price_nok_m2"])
        if row["status"] == "missing":
            assert row["like_for_like"] == "missing" and row["note"]
    claim = table[table["status"] == "claim"].iloc[0]
    assert (claim["ratio_low"], claim["ratio_high"]) == (2.0, 3.0)
    assert "000" in claim["source"]


def test_compare_reports_missing_and_claims():
    table = compare_with_benchmarks(REF, benchmarks=["copenhagen", "gothenburg"])
    assert table["id"].tolist() == ["region", "copenhagen", "gothenburg", "claim_copenhagen_gothenburg"]
    assert table.loc[1:2, "like_for_like"].tolist() == ["missing", "missing"]
    assert table.loc[1:2, "region_ratio"].isna().all()
    assert table.loc[3, "claimed_ratio"].startswith("2–3×")


def test_conversion_and_like_for_like(tmp_path):
    # Test data only (not real prices).
    path = tmp_path / "b.toml"
    path.write_text(
        """
[[benchmark]]
id = "test_city"
region = "Test City"
status = "measured"
source = "test fixture"
date = "2025-01-01"
currency = "XTS"
price_per_m2 = 100.0
nok_per_unit = 1.5
rate_date = "2025-01-01"
basis = "serviced"
like_for_like = "yes"

[[benchmark]]
id = "raw_city"
region = "Raw City"
status = "measured"
source = "test fixture"
date = "2025-01-01"
currency = "NOK"
price_per_m2 = 900.0
nok_per_unit = 1.0
basis = "raw"
like_for_like = "yes"
""",
        encoding="utf-8",
    )
    table = load_benchmarks(path)
    assert table["price_nok_m2"].tolist() == [150.0, 900.0]
    out = compare_with_benchmarks(REF, table=table)
    assert out.loc[1, "region_ratio"] == pytest.approx(12.0)
    assert out.loc[1, "like_for_like"] == "yes"
    assert out.loc[2, "like_for_like"] == "no"  # raw benchmark vs serviced regional series


def test_unknown_and_malformed(tmp_path):
    with pytest.raises(UnknownBenchmarkError, match="copenhagen"):
        compare_with_benchmarks(REF, benchmarks=["atlantis"])
    bad = tmp_path / "bad.toml"
    bad.write_text('[[benchmark]]\nid = "x"\nstatus = "missing"\nprice_per_m2 = 5.0\nlike_for_like = "missing"\n')
    with pytest.raises(ConfigurationError, match="status 'measured'"):
        load_benchmarks(bad)
