"""A layer that cannot be read leaves its collection out and says so in the log."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

from api.collections import load_static_collections

LAYERS = Path(__file__).resolve().parents[2] / "layers"


def test_an_unreadable_layer_is_logged_and_the_other_collections_stay(tmp_path, caplog):
    layers = tmp_path / "layers"
    shutil.copytree(LAYERS, layers)
    (layers / "destinations.gpkg").write_bytes(b"not a GeoPackage")
    with caplog.at_level(logging.WARNING, logger="landreg.api.collections"):
        ids = [c.id for c in load_static_collections(layers)]
    assert ids == ["municipalities"]
    logged = [r.getMessage() for r in caplog.records if r.name == "landreg.api.collections"]
    assert len(logged) == 1 and "'destinations' is not offered" in logged[0]


def test_both_collections_load_from_the_bundled_layers():
    assert [c.id for c in load_static_collections(LAYERS)] == ["municipalities", "destinations"]
