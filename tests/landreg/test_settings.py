"""The core and the service each read their own settings, under their own name."""

from __future__ import annotations

import landreg
import landreg.settings
from landreg.settings import LandregSettings, get_landreg_settings


def test_core_settings_are_read_once_and_named_for_the_core(monkeypatch, tmp_path):
    get_landreg_settings.cache_clear()
    monkeypatch.setenv("LANDREG_LAYERS_DIR", str(tmp_path / "lag"))
    try:
        first = get_landreg_settings()
        monkeypatch.setenv("LANDREG_LAYERS_DIR", str(tmp_path / "other"))
        assert isinstance(first, LandregSettings) and first.layers_dir == tmp_path / "lag"
        assert get_landreg_settings() is first
    finally:
        get_landreg_settings.cache_clear()
    assert landreg.get_landreg_settings is get_landreg_settings
    assert not hasattr(landreg, "get_settings") and not hasattr(landreg.settings, "get_settings")
