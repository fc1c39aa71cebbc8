"""An edit records its editor, sets last_verified and replaces the synthetic mark of the fields it touched only."""

from __future__ import annotations

import datetime as dt

import shapely

from landreg.crs import STORAGE_CRS
from landreg.provenance import summarize_synthetic


def test_edit_replaces_the_synthetic_mark_of_touched_fields_only(loaded):
    registry, ids = loaded
    before = registry.get_plot(ids[0])
    assert before.is_synthetic("price_min_nok_m2") and before.last_verified is None
    after = registry.update_plot(
        ids[0],
        {
            "price_min_nok_m2": (before.price_min_nok_m2 or 0) + 10,
            "price_max_nok_m2": (before.price_max_nok_m2 or 0) + 20,
        },
        expected_version=before.version,
        actor="kari.nordmann",
        note="price list 2026",
    )
    today = dt.datetime.now(dt.UTC).date()
    for name in ("price_min_nok_m2", "price_max_nok_m2"):
        prov = after.provenance[name]
        assert not after.is_synthetic(name)
        assert (prov.method, prov.editor, prov.source, prov.date) == ("edited", "kari.nordmann", "kari.nordmann", today)
        assert prov.note == "price list 2026"
    assert after.is_synthetic("price_basis") and after.is_synthetic("status") and after.is_synthetic("geometry")
    assert after.last_verified == today
    # still synthetic in "prices": the basis was not touched
    prices = summarize_synthetic(registry.query_plots()).get("prices")
    assert prices.n_synthetic == prices.n_total
    again = registry.update_plot(
        ids[0],
        {"price_basis": "serviced" if after.price_basis == "raw" else "raw"},
        expected_version=after.version,
        actor="kari.nordmann",
    )
    prices = summarize_synthetic(registry.query_plots()).get("prices")
    assert (prices.n_synthetic, prices.n_total) == (len(ids) - 1, len(ids))
    assert again.provenance["price_min_nok_m2"].editor == "kari.nordmann"  # earlier edits are kept


def test_new_geometry_is_an_edited_outline(loaded):
    registry, ids = loaded
    plot = registry.get_plot(ids[1])
    smaller = shapely.affinity.scale(plot.geometry, 0.9, 0.9)
    after = registry.update_plot(
        ids[1], {"geometry": smaller}, expected_version=plot.version, actor="ola", crs=STORAGE_CRS
    )
    assert after.provenance["geometry"].method == "edited" and not after.is_synthetic("geometry")
    assert after.is_synthetic("price_min_nok_m2")
    plots = summarize_synthetic(registry.query_plots()).get("plots")
    assert (plots.n_synthetic, plots.n_total) == (len(ids) - 1, len(ids))


def test_no_change_is_no_edit(loaded):
    registry, ids = loaded
    plot = registry.get_plot(ids[2])
    same = registry.update_plot(ids[2], {"status": plot.status}, expected_version=plot.version, actor="ola")
    assert same.version == plot.version and same.last_verified is None and set(same.provenance) == {"*"}


def test_provenance_given_with_an_edit_is_kept(loaded):
    registry, ids = loaded
    plot = registry.get_plot(ids[3])
    given = {"*": {"source": "synthetic"}, "zoning": {"source": "Reguleringsplan 2024-07", "method": "observed"}}
    after = registry.update_plot(
        ids[3],
        {"zoning": "office", "provenance": given, "last_verified": dt.date(2025, 1, 2)},
        expected_version=plot.version,
        actor="ola",
    )
    assert after.provenance["zoning"].source == "Reguleringsplan 2024-07"
    assert after.provenance["zoning"].method == "observed"
    assert after.last_verified == dt.date(2025, 1, 2)


def test_provenance_sent_back_as_read_does_not_keep_a_synthetic_mark(loaded):
    registry, ids = loaded
    plot = registry.get_plot(ids[4])
    as_read = {k: v.model_dump(mode="json", exclude_none=True) for k, v in plot.provenance.items()}
    after = registry.update_plot(
        ids[4],
        {"provenance": as_read, "owner_type": "private" if plot.owner_type != "private" else "public"},
        expected_version=plot.version,
        actor="kari",
    )
    assert after.provenance["owner_type"].method == "edited" and not after.is_synthetic("owner_type")
    assert after.is_synthetic("status")


def test_a_replace_without_provenance_keeps_the_marks_of_untouched_fields(loaded):
    registry, ids = loaded
    plot = registry.get_plot(ids[5])
    last = dt.date(2024, 5, 6)
    changes = {"provenance": {}, "last_verified": None, "zoning": "office" if plot.zoning != "office" else "industry"}
    after = registry.update_plot(ids[5], changes, expected_version=plot.version, actor="kari")
    assert after.provenance["zoning"].editor == "kari"
    assert after.is_synthetic("price_min_nok_m2") and after.is_synthetic("geometry")
    assert after.last_verified == dt.datetime.now(dt.UTC).date()
    kept = registry.update_plot(ids[5], {"last_verified": last}, expected_version=after.version, actor="kari")
    assert kept.last_verified == last
