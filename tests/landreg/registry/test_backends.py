"""Both backends are one registry interface: the protocol, and every public member of the other."""

from __future__ import annotations

from landreg.registry import GeoPackageRegistry, PlotRegistry, PostGISRegistry


def _public(cls: type) -> set[str]:
    return {name for name in dir(cls) if not name.startswith("_")}


def test_each_backend_is_a_plot_registry(registry, backend):
    assert isinstance(registry, PlotRegistry) and registry.backend == backend


def test_the_backends_offer_the_same_public_members():
    assert _public(GeoPackageRegistry) - _public(PostGISRegistry) == set()
    assert _public(PostGISRegistry) - _public(GeoPackageRegistry) == {"explain_query"}  # the database's plan
