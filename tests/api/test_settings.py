"""The service reads its settings under a name of its own (the core's is ``get_landreg_settings``)."""

from __future__ import annotations

import api.settings


def test_service_settings_have_a_name_of_their_own():
    assert not hasattr(api.settings, "get_settings")
    api.settings.get_api_settings.cache_clear()
    try:
        assert isinstance(api.settings.get_api_settings(), api.settings.ApiSettings)
    finally:
        api.settings.get_api_settings.cache_clear()
