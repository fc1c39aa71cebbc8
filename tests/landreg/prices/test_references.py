"""The cited price table: every figure with its source, URL and verbatim quote; bad rows named."""

from __future__ import annotations

import pytest

from landreg.errors import ConfigurationError
from landreg.prices import in_region_references, load_price_references


def test_every_figure_is_cited():
    refs = load_price_references()
    assert refs["id"].is_unique and len(refs) >= 9
    assert refs["url"].str.match(r"https?://").all()
    assert refs["quote"].str.len().gt(20).all() and refs["publisher"].str.len().gt(2).all()
    for _, row in refs.iterrows():
        assert row["source"].endswith(row["url"]) and row["publisher"] in row["source"]
    derived = refs[refs["derived"]]
    assert len(derived) >= 1 and derived["derivation"].notna().all()
    assert derived["label"].str.contains("(derived)", regex=False).all()


def test_quotes_contain_their_figures():
    """Each figure (as the source writes it: 1.100, 1 650, 220, 35 ...) appears in its quote, unless derived."""
    refs = load_price_references()
    for _, row in refs[~refs["derived"]].iterrows():
        n = int(row["figure"])
        spellings = {str(n), f"{n:,}".replace(",", "."), f"{n:,}".replace(",", " ")}
        assert any(s in row["quote"] for s in spellings), (row["id"], row["quote"])


def test_in_region_figures():
    region = in_region_references()
    assert set(region["municipality_no"]) <= {
        "5001",
        "5028",
        "5029",
        "5031",
        "5032",
        "5035",
        "5036",
        "5054",
        "5059",
        "5027",
    }
    assert (region["currency"] == "NOK").all() and region["year"].notna().all()
    assert (region["price_nok_m2"] == region["figure"]).all()
    assert "Sveberg" in " ".join(region["place"]) and "Vegsletta" in " ".join(region["place"])


def test_floor_area_and_bounds_are_labelled():
    refs = load_price_references().set_index("id")
    skr = refs[refs["per"] == "gross_floor_area"]
    assert len(skr) and (skr["bound"] == "upper").all()
    assert skr["label"].str.startswith("< ").all() and skr["label"].str.contains("floor area").all()


def test_malformed_table_names_row_and_field(tmp_path):
    path = tmp_path / "refs.toml"
    path.write_text(
        '[[reference]]\nid = "a"\nfigure = -3\ncurrency = "nok"\nper = "plot"\nderived = true\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError) as info:
        load_price_references(path)
    text = str(info.value)
    assert "row 1 (id 'a'), field 'figure': expected a number above 0, got -3" in text
    assert "field 'currency'" in text and "field 'url': missing" in text and "field 'derivation': missing" in text
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_price_references(tmp_path / "none.toml")
