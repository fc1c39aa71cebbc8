"""API responses say what of the data they used is synthetic, counted from it: nothing for real plots."""

from __future__ import annotations

import json

from api.settings import ApiSettings
from landreg.registry import open_registry
from tests.api.conftest import Service, _settings
from tests.landreg.provenance.conftest import (  # noqa: F401 (fixtures)
    mixed_registry_file,
    real_enriched_registry_file,
    real_layers_dir,
    real_registry_file,
)


def _synthetic_codes(path) -> tuple[set[str], int]:
    with open_registry(path) as reg:
        plots = reg.query_plots()
    codes = {
        c
        for c, p in zip(plots["code"], plots["provenance"], strict=True)
        if (p if isinstance(p, dict) else json.loads(p))["*"]["source"] == "synthetic"
    }
    return codes, len(plots)


def test_real_registry_responses_carry_no_synthetic_notice(real_enriched_registry_file, real_layers_dir):  # noqa: F811
    settings = ApiSettings(registry=real_enriched_registry_file, layers_dir=real_layers_dir, log_requests=False)
    with Service(settings) as api:
        landing = api.client.get(f"{api.url}/").json()
        assert landing["synthetic"]["synthetic"] is False and landing["synthetic"]["notice"] == {"en": "", "nb": ""}
        items = api.client.get(f"{api.url}/collections/plots/items").json()
        assert items["numberReturned"] == items["numberMatched"] > 0
        assert items["synthetic"]["synthetic"] is False
        plots = next(c for c in items["synthetic"]["counts"] if c["what"] == "plots")
        assert plots["n_synthetic"] == 0 and plots["n_total"] == items["numberReturned"]
        scores = api.client.get(f"{api.url}/analysis/scores", params={"status": "all"}).json()
        assert scores["synthetic"]["synthetic"] is False
        assert not any(c["what"] == "layers" and c["n_synthetic"] for c in scores["synthetic"]["counts"])
        prices = api.client.get(f"{api.url}/analysis/prices/summary").json()
        assert prices["note"] == "" and prices["synthetic"]["synthetic"] is False
        for path in ("/?f=html", "/collections/plots/items?f=html"):
            page = api.client.get(f"{api.url}{path}").text
            assert "Synthetic data" not in page and "class='note synthetic'" not in page


def test_mixed_registry_responses_count_synthetic_plots_exactly(mixed_registry_file):  # noqa: F811
    synthetic, n_plots = _synthetic_codes(mixed_registry_file)
    with Service(_settings(mixed_registry_file)) as api:
        scores = api.client.get(f"{api.url}/analysis/scores", params={"status": "all", "limit": 1}).json()
        counts = {c["what"]: c for c in scores["synthetic"]["counts"]}
        assert (counts["plots"]["n_synthetic"], counts["plots"]["n_total"]) == (len(synthetic), n_plots)
        assert "dem" in counts["layers"]["synthetic_items"]
        assert f"plots: {len(synthetic)} of {n_plots} plots synthetic" in scores["synthetic"]["notice"]["en"]
        assert f"tomter: {len(synthetic)} av {n_plots} tomter syntetiske" in scores["synthetic"]["notice"]["nb"]
        page = api.client.get(f"{api.url}/collections/plots/items", params={"limit": 1000}).json()
        on_page = sum(f["properties"]["code"] in synthetic for f in page["features"])
        got = next(c for c in page["synthetic"]["counts"] if c["what"] == "plots")
        assert (got["n_synthetic"], got["n_total"]) == (on_page, page["numberReturned"])
        real = next(f for f in page["features"] if f["properties"]["code"] not in synthetic)
        one = api.client.get(f"{api.url}/collections/plots/items/{real['id']}").json()
        assert one["synthetic"]["synthetic"] is False
        html = api.client.get(f"{api.url}/collections/plots/items", params={"f": "html", "limit": 5}).text
        assert "Syntetiske data — tomter: " in html  # the page's language: bokmål by default
        english = api.client.get(
            f"{api.url}/collections/plots/items", params={"f": "html", "limit": 5}, headers={"accept-language": "en"}
        ).text
        assert "Synthetic data — plots: " in english
