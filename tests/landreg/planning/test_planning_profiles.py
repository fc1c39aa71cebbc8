"""Custom weight profiles from a TOML file: score, search, supply and the plot map use them; bad files are named."""

from __future__ import annotations

import json

import numpy as np
import pytest

from landreg.analysis import score_registry
from landreg.errors import ValidationError
from landreg.registry import open_registry
from landreg.scoring import load_profile
from landreg.scoring.profiles import load_definitions

from .conftest import EXAMPLES, LAYERS

SIZE_ONLY = """
[profiles.size_only]
description = "only plot size counts"
[profiles.size_only.weights]
size = 1
"""


def test_size_only_profile_ranks_by_area(demo_path, run, tmp_path):
    path = tmp_path / "size.toml"
    path.write_text(SIZE_ONLY, encoding="utf-8")
    out = tmp_path / "scores.geojson"
    res = run(
        "score",
        "--profiles",
        path,
        "--profile",
        "size_only",
        "--status",
        "available",
        "--registry",
        demo_path,
        "-o",
        out,
    )
    assert res.exit_code == 0, res.output
    assert "profile size_only" in res.output
    props = [f["properties"] for f in json.loads(out.read_text(encoding="utf-8"))["features"]]
    props = [p for p in props if p["score"] is not None]
    # the size criterion is positive from 2 to 50 daa (profiles.toml): the score is a clipped linear map of area
    area = np.array([p["area_m2"] / 1000 for p in props])
    expected = np.clip((area - 2) / (50 - 2), 0, 1) * 100
    assert np.allclose([p["score"] for p in props], expected, atol=0.01)


def test_file_with_builtin_weights_reproduces_the_builtin_profile(demo_path, tmp_path):
    builtin = load_profile("logistics")
    lines = [
        "[profiles.my_logistics]",
        f"industry_nace = {json.dumps(builtin.industry_nace)}",
        "[profiles.my_logistics.weights]",
    ]
    lines += [f"{k} = {v}" for k, v in builtin.weights.items()]
    path = tmp_path / "mine.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mine = load_profile("my_logistics", definitions=load_definitions(path))
    with open_registry(demo_path) as reg:
        a = score_registry(reg, profile="logistics").frame["score"].to_numpy()
        b = score_registry(reg, profile=mine).frame["score"].to_numpy()
    assert np.allclose(a, b, equal_nan=True)


def test_example_profile_in_every_command(demo_path, run, tmp_path):
    profiles = EXAMPLES / "my_profiles.toml"
    res = run("supply", "--profiles", profiles, "--profile", "cold_storage", "--registry", demo_path)
    assert res.exit_code == 0, res.output
    res = run("search", "--min-daa", 20, "--profiles", profiles, "--profile", "cold_storage", "--registry", demo_path)
    assert res.exit_code == 0 and "(profile cold_storage)" in res.output
    html = tmp_path / "plots.html"
    res = run(
        "map",
        "plots",
        "--profiles",
        profiles,
        "--profile",
        "cold_storage",
        "--no-price-layers",
        "--registry",
        demo_path,
        "--layers",
        LAYERS,
        "-o",
        html,
    )
    assert res.exit_code == 0, res.output
    assert "cold_storage" in html.read_text(encoding="utf-8")
    res = run("score", "--profiles", profiles, "--profile", "logistics", "--registry", demo_path, "--top", 1)
    assert res.exit_code == 0 and "profile logistics version 2025.1-example" in res.output


def test_bad_profile_files_name_file_and_field(demo_path, run, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[profiles.x.weights]\nsizee = 3\nprice = -1\n[criteria.price]\nlo = 'cheap'\n", encoding="utf-8")
    res = run("score", "--profiles", bad, "--profile", "x", "--registry", demo_path)
    assert res.exit_code == 1 and "Traceback" not in res.output
    for text in ("bad.toml", "profiles.x.weights.sizee", "profiles.x.weights.price", "criteria.price.lo"):
        assert text in res.output
    broken = tmp_path / "broken.toml"
    broken.write_text("[[profiles\n", encoding="utf-8")
    res = run("supply", "--profiles", broken, "--registry", demo_path)
    assert res.exit_code == 1 and "broken.toml" in res.output and "not valid TOML" in res.output
    res = run("score", "--profiles", tmp_path / "missing.toml", "--registry", demo_path)
    assert res.exit_code == 1 and "missing.toml" in res.output
    res = run("score", "--profiles", EXAMPLES / "my_profiles.toml", "--profile", "nope", "--registry", demo_path)
    assert res.exit_code == 1 and "cold_storage" in res.output
    with pytest.raises(ValidationError):
        load_definitions(bad)
