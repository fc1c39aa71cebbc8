"""Tile tests run on both backends: the ``backend`` fixture parametrises ``registry`` (as for the registry tests)."""

from __future__ import annotations

from tests.landreg.registry.conftest import backend, registry  # noqa: F401  (fixtures)
