"""/analysis/indicators: the report as JSON with plain, rounded numbers, equal to the CLI's JSON."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner

from landreg.cli import main
from tests.api.conftest import LAYERS


def _cli_json(registry_path, tmp_path, *args: str) -> dict:
    out = tmp_path / "indicators.json"
    cmd = ["indicators", "--registry", str(registry_path), "--layers", str(LAYERS), *args, "-o", str(out)]
    result = CliRunner().invoke(main, cmd)
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text(encoding="utf-8"))


def _floats(value):
    if isinstance(value, float):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _floats(v)
    elif isinstance(value, list):
        for v in value:
            yield from _floats(v)


def test_the_indicators_equal_the_cli_json(read_api, tmp_path):
    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    r = read_api.client.get(f"{read_api.url}/analysis/indicators", params={"as_of": when})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body == _cli_json(read_api.registry_path, tmp_path, "--as-of", when)
    region = next(s for s in body["scopes"] if s["scope"] == "region")
    figures = {f["id"]: f for f in region["figures"]}
    assert figures["uptake_avg_5y_daa_per_year"]["value"] > 0  # the demo's dated synthetic sales
    assert figures["years_of_supply_5y"]["synthetic_share"] == 1.0
    assert figures["locked_daa"]["detail"]["decisions"]["torgard_freight_terminal"]["daa"] > 0
    assert {s["scope"] for s in body["scopes"]} == {"region", "municipality", "business_area"}


def test_numbers_are_rounded_by_unit_not_sixteen_digits(read_api):
    body = read_api.client.get(f"{read_api.url}/analysis/indicators").json()
    numbers = list(_floats(body))
    assert len(numbers) > 1000
    long = [x for x in numbers if len(repr(x).split(".")[-1]) > 4]
    assert not long  # decares to the m² (3 decimals), shares to 4; never 16 digits
    for scope in body["scopes"]:
        for fig in scope["figures"]:
            if fig["unit"] == "daa" and isinstance(fig["value"], float):
                assert round(fig["value"], 3) == fig["value"]
            if fig["unit"] == "years" and isinstance(fig["value"], float):
                assert round(fig["value"], 1) == fig["value"]


def test_one_municipality_by_name_and_bad_input_in_the_users_terms(read_api):
    r = read_api.client.get(f"{read_api.url}/analysis/indicators", params={"municipality_no": "Melhus"})
    assert r.status_code == 200
    assert {s["key"] for s in r.json()["scopes"] if s["scope"] == "municipality"} == {"5028"}
    bad = read_api.client.get(f"{read_api.url}/analysis/indicators", params={"municipality_no": "Atlantis"})
    assert 400 <= bad.status_code < 500 and "Atlantis" in bad.json()["description"]
    bad = read_api.client.get(f"{read_api.url}/analysis/indicators", params={"as_of": "yesterday"})
    assert bad.status_code in (400, 422) and "code" in bad.json() and "as_of" in bad.json()["description"]


def test_a_time_in_the_future_is_refused(read_api):
    r = read_api.client.get(f"{read_api.url}/analysis/indicators", params={"as_of": "2999-01-01T00:00:00Z"})
    assert 400 <= r.status_code < 500 and "in the future" in r.json()["description"]


def test_each_scope_carries_its_supply_over_time_ending_at_its_status_figures(read_api):
    body = read_api.client.get(f"{read_api.url}/analysis/indicators").json()
    year = body["as_of"][:4]
    for scope in body["scopes"]:
        figures = {f["id"]: f for f in scope["figures"]}
        supply = figures["supply_daa_by_year"]
        assert supply["unit"] == "daa" and supply["synthetic_share"] == 1.0  # the demo's synthetic plots and sales
        last = supply["value"][year]
        for status in ("available_now_daa", "available_later_daa", "reserved_daa", "locked_daa", "sold_daa"):
            assert last[status] == figures[status]["value"], (scope["key"], status)
        years = last["years_of_supply_5y"]
        assert years == figures["years_of_supply_5y"]["value"] and (years is None or round(years, 1) == years)
