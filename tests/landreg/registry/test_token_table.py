"""The token table is no layer: GIS clients that open the registry file do not list it."""

from __future__ import annotations

import sqlite3

import pyogrio

from landreg.registry import open_registry
from landreg.tokens import TOKENS


def _layers(path) -> set[str]:
    return {str(name) for name, _ in pyogrio.list_layers(path)}


def _registered(path) -> bool:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT 1 FROM gpkg_contents WHERE table_name = ?", (TOKENS,)).fetchone() is not None


def test_a_registry_with_tokens_lists_no_token_layer(registry_path):
    with open_registry(registry_path, create=True) as reg:
        token = reg.create_token(name="Kari Nordmann", role="admin")
    layers = _layers(registry_path)
    assert "plots" in layers and TOKENS not in layers
    assert not _registered(registry_path)
    with open_registry(registry_path) as reg:
        assert reg.authenticate(token).name == "Kari Nordmann"


def test_an_earlier_registry_that_listed_its_tokens_opens_and_stops_listing_them(registry_path):
    with open_registry(registry_path, create=True) as reg:
        token = reg.create_token(name="Ola Planlegger", role="planner", municipalities=["5001"])
    with sqlite3.connect(registry_path) as conn:  # as an earlier landreg wrote it
        conn.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) "
            "VALUES (?, 'attributes', ?, 'API tokens (hashed)')",
            (TOKENS, TOKENS),
        )
    assert TOKENS in _layers(registry_path)
    with open_registry(registry_path) as reg:
        assert reg.authenticate(token).name == "Ola Planlegger"
    assert TOKENS not in _layers(registry_path) and not _registered(registry_path)
    with open_registry(registry_path) as reg:  # and it still opens after the change
        assert reg.authenticate(token).role.value == "planner"
