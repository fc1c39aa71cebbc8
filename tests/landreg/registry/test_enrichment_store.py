"""Derived attributes (enrichment) stored on both backends: upsert, new attributes, types, delete."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from landreg.errors import PlotNotFoundError


def test_enrichment_round_trips_with_the_same_types(loaded):
    reg, ids = loaded
    assert reg.load_enrichment().empty
    frame = pd.DataFrame(
        {
            "plot_id": ids[:2],
            "plot_version": [1, 1],
            "layer_versions": [{"roads": "2024-01", "dem": "10m"}, {"roads": "2024-01", "dem": "10m"}],
            "x_travel_time_s": [12.5, np.nan],
            "x_status": ["ok", "no_data"],
            "flag": [True, False],
        }
    )
    assert reg.save_enrichment(frame) == 2
    got = reg.load_enrichment()
    assert list(got.columns) == [
        "plot_id",
        "plot_version",
        "computed_at",
        "layer_versions",
        "x_travel_time_s",
        "x_status",
        "flag",
    ]
    assert got["plot_id"].tolist() == sorted(ids[:2])
    row = got.set_index("plot_id").loc[ids[1]]
    assert np.isnan(row["x_travel_time_s"]) and row["x_status"] == "no_data" and row["flag"] is False
    assert json.loads(row["layer_versions"]) == {"roads": "2024-01", "dem": "10m"}
    assert got["x_travel_time_s"].dtype == float and row["computed_at"].endswith("Z")
    reg.save_enrichment(frame.iloc[:1].assign(x_travel_time_s=99.0, extra_m=1.0))  # upsert, a new attribute
    got = reg.load_enrichment().set_index("plot_id")
    assert got.loc[ids[0], "x_travel_time_s"] == 99.0 and got.loc[ids[0], "extra_m"] == 1.0
    assert np.isnan(got.loc[ids[1], "extra_m"]) and len(got) == 2
    assert reg.load_enrichment([ids[1]])["plot_id"].tolist() == [ids[1]]
    with pytest.raises(PlotNotFoundError):
        reg.save_enrichment(frame.assign(plot_id="nope"))
    with pytest.raises(ValueError, match="lower-case"):
        reg.save_enrichment(frame.assign(**{"Bad Name": 1.0}))
    assert reg.delete_enrichment([ids[0]]) == 1
    assert reg.load_enrichment()["plot_id"].tolist() == [ids[1]]
