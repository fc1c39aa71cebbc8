"""The benchmark table: no invented figures, conversions at the stated rate, honest flags."""

from __future__ import annotations

import numpy as np
import pytest

from landreg.errors import ConfigurationError
from landreg.prices import UnknownBenchmarkError, compare_with_benchmarks, load_benchmarks, load_price_references

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
        if row["status"] == "missing":
            assert np.isnan(row["price_per_m2"]) and np.isnan(row["price_nok_m2"])
            assert row["like_for_like"] == "missing" and row["note"]
        if np.isfinite(row["price_per_m2"]):
            assert row["source"] and row["date"] and row["url"].startswith("http") and row["quote"]
        if row["currency"] not in (None, "NOK") and np.isfinite(row["price_per_m2"]):
            # converted only at a cited rate; none was found, so the NOK price stays missing
            assert np.isnan(row["price_nok_m2"]) == np.isnan(row["nok_per_unit"])
            assert row["conversion"].startswith("missing") or row["rate_source"]
    for region in ("copenhagen", "gothenburg"):
        assert table.set_index("id").loc[region, "status"] == "missing"
    claim = table[table["id"] == "claim_copenhagen_gothenburg"].iloc[0]
    assert (claim["ratio_low"], claim["ratio_high"]) == (2.0, 3.0)
    assert "000" in claim["source"]


def test_shipped_figures_are_the_cited_ones():
    """Every bundled benchmark price is a figure of the cited table, with the same currency, bound, area and URL."""
    table = load_benchmarks()
    refs = load_price_references().set_index("id")
    priced = table[table["price_per_m2"].notna()]
    assert len(priced) >= 5
    for _, row in priced.iterrows():
        ref = refs.loc[row["reference"]]
        assert row["price_per_m2"] == ref["figure"] and row["currency"] == ref["currency"]
        assert row["url"] == ref["url"] and row["quote"] == ref["quote"]
        assert (row["per"] or "plot") == ref["per"]
        assert str(row["bound"]) in (str(ref["bound"]), "None") and (ref["bound"] == "upper") == (
            row["bound"] == "upper"
        )
        assert not ref["in_region"]


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
rate_source = "test fixture rate"
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


def test_bounds_floor_area_claims_and_basis_are_never_ratios():
    """Only a measured level per m² of plot, at least partly like for like, gets a region ratio."""
    out = compare_with_benchmarks(REF).set_index("id")
    table = load_benchmarks().set_index("id")
    for bid, row in out.drop(index="region").iterrows():
        bench = table.loc[bid]
        level = (
            bench["status"] == "measured"
            and np.isfinite(bench["price_nok_m2"])
            and (bench["per"] or "plot") == "plot"
            and not isinstance(bench["bound"], str)
        )
        assert np.isfinite(row["region_ratio"]) == (level and row["like_for_like"] != "no"), bid
        if bench["basis"] in ("raw", "serviced") and bench["basis"] != REF["basis"]:
            assert row["like_for_like"] in ("no", "missing"), bid
        if bench["per"] == "gross_floor_area":
            assert row["like_for_like"] == "no" and "floor area" in row["figure"]
    raw_ref = {**REF, "basis": "raw"}
    raw = compare_with_benchmarks(raw_ref, benchmarks=["aure_raw"]).set_index("id")
    assert raw.loc["aure_raw", "like_for_like"] == "partly"
    assert raw.loc["aure_raw", "region_ratio"] == pytest.approx(1800.0 / table.loc["aure_raw", "price_nok_m2"])


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ('currency = "SEK"\nprice_per_m2 = 10.0\nnok_per_unit = 0.9\n', "field 'rate_source': missing"),
        ('currency = "NOK"\nprice_per_m2 = 10.0\nnok_per_unit = 0.9\n', "a NOK price has rate 1"),
        ('per = "plot"\n', "only a row with price_per_m2 may have it"),
    ],
)
def test_rates_must_be_cited(tmp_path, extra, problem):
    path = tmp_path / "b.toml"
    path.write_text(
        '[[benchmark]]\nid = "t"\nregion = "T"\nstatus = "measured"\nsource = "test"\ndate = "2020"\n'
        f'like_for_like = "no"\n{extra}',
        encoding="utf-8",
    )
    if "price_per_m2" not in extra:
        path.write_text(path.read_text(encoding="utf-8").replace('status = "measured"', 'status = "missing"'))
        path.write_text(path.read_text(encoding="utf-8").replace('like_for_like = "no"', 'like_for_like = "missing"'))
    with pytest.raises(ConfigurationError, match=problem):
        load_benchmarks(path)


def test_claim_with_a_price_is_shown_as_a_claim(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text(
        '[[benchmark]]\nid = "c"\nregion = "C"\nstatus = "claim"\nsource = "test"\ndate = "2013"\n'
        'currency = "DKK"\nprice_per_m2 = 35.0\nbasis = "raw"\nlike_for_like = "no"\n',
        encoding="utf-8",
    )
    out = compare_with_benchmarks(REF, table=load_benchmarks(path)).set_index("id")
    assert out.loc["c", "figure"] == "35 DKK/m² (claim)" and np.isnan(out.loc["c", "region_ratio"])
    assert out.loc["c", "conversion"] == "missing (no cited DKK→NOK rate)"
