"""Fixtures of the indicator-site tests: a report built in code, and the demo registry's site published once."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from landreg.indicators import DEFINITIONS, Figure, IndicatorReport, ScopeIndicators, definition_of
from landreg.provenance import SyntheticCount, SyntheticSummary
from maps.site.data import LayerSource, Place, SiteData

AS_OF = dt.datetime(2026, 11, 24, 12, 0, tzinfo=dt.UTC)
SYNTHETIC = SyntheticSummary((SyntheticCount("plots", 3, 4, "plots"),))


def _figures(scale: float) -> tuple[Figure, ...]:
    out = []
    for fid in DEFINITIONS:
        unit, definition = definition_of(fid)
        value: object = 1234.5 * scale
        detail: dict = {}
        if fid == "uptake_daa_per_year":
            value = {"2024": 10.0 * scale, "2025": 30.0 * scale}
        elif fid == "supply_daa_by_year":
            value = {
                "2024": {"available_now_daa": 300.0 * scale, "available_later_daa": 50.0, "reserved_daa": 20.0,
                         "locked_daa": 40.0, "sold_daa": 100.0, "years_of_supply_5y": 12.5},
                "2025": {"available_now_daa": 250.0 * scale, "available_later_daa": 50.0, "reserved_daa": 25.0,
                         "locked_daa": 40.0, "sold_daa": 150.0, "years_of_supply_5y": None},
                "2026": {"available_now_daa": 1234.5 * scale, "available_later_daa": 1234.5 * scale,
                         "reserved_daa": 1234.5 * scale, "locked_daa": 1234.5 * scale, "sold_daa": 1234.5 * scale,
                         "years_of_supply_5y": 1234.5 * scale},
            }  # fmt: skip
        elif fid == "asking_price_nok_m2":
            value = [
                {
                    "zoning": "industry",
                    "readiness": "build_ready",
                    "price_basis": "serviced",
                    "n_plots": 4,
                    "q25_nok_m2": 1000.0,
                    "median_nok_m2": 1290.0,
                    "q75_nok_m2": 1500.0,
                }
            ]
        elif fid == "price_index":
            value = [{"year": 2020, "index": 100.0}, {"year": 2021, "index": 110.0}]
        elif fid == "price_references":
            value = [{"place": "Sveberg", "year": 2018, "price_nok_m2": 1100.0, "source": "Malviknytt", "url": "u"}]
        elif fid == "years_of_supply_10y":
            value = None
        elif fid == "locked_daa":
            detail = {
                "decisions": {
                    "terminal": {
                        "daa": value,
                        "title": "Godsterminal",
                        "status": "pending",
                        "expected_date": "2027-06-30",
                    }
                }
            }
        syn = SYNTHETIC if fid != "price_references" else SyntheticSummary()
        note = {"en": "no history", "nb": "ingen historikk"} if fid == "years_of_supply_10y" else {}
        out.append(Figure(fid, value, unit, definition, AS_OF, syn, note, detail))
    return tuple(out)


def make_site_data() -> SiteData:
    """A site of the region, Trondheim (5001, with figures), Malvik (5031, no plots) and one business area."""
    region = ScopeIndicators("region", "region", "region", _figures(2.0))
    trondheim = ScopeIndicators("municipality", "5001", "Trondheim - Tråante", _figures(1.0))
    torgard = ScopeIndicators("business_area", "torgard", "Torgård", _figures(0.5))
    report = IndicatorReport(AS_OF, (region, trondheim, torgard), SYNTHETIC)
    munis = (
        Place("municipality", "5001", "Trondheim - Tråante", None, trondheim),
        Place("municipality", "5031", "Malvik", None, None),
    )
    areas = (Place("business_area", "torgard", "Torgård", "5001", torgard),)
    layers = (LayerSource("flood", "Flood zones", "generated", "CC BY 4.0", "landreg", True),)
    empty = {"type": "FeatureCollection", "features": []}
    map_data = {"plots": empty, "areas": None, "municipalities": empty, "bounds": {"region": [10, 63, 11, 64]}}
    return SiteData(report, munis, areas, layers, map_data)


@pytest.fixture
def site_data() -> SiteData:
    return make_site_data()


@pytest.fixture(scope="session")
def published(enriched_registry_path, tmp_path_factory, layers_dir):
    """The demo registry's site as ``landreg publish`` writes it (read-only), and the registry it came from."""
    from click.testing import CliRunner

    from landreg.cli import main

    work = tmp_path_factory.mktemp("publish")
    registry = work / "registry.gpkg"
    shutil.copy(enriched_registry_path, registry)
    out = work / "site"
    result = CliRunner().invoke(
        main, ["publish", "--registry", str(registry), "--layers", str(layers_dir), "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    return out, registry, result.output
