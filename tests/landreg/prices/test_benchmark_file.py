"""``landreg prices compare --benchmarks FILE``: the user's own table, checked with errors naming file, row and field.

Every price in these files is test data (not a real land price).
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from landreg.cli.prices_cmd import prices_group
from landreg.errors import ConfigurationError
from landreg.prices import BENCHMARKS_PATH, load_benchmarks

GOOD = """\
# Test data only: not real prices.
[[benchmark]]
id = "test_town"
region = "Test Town"
country = "SE"
status = "measured"
source = "test fixture"
date = 2025-01-01
currency = "SEK"
price_per_m2 = 1000.0
nok_per_unit = 0.5
rate_date = 2025-01-01
rate_source = "test fixture rate"
basis = "serviced"
connection_fees_included = true
like_for_like = "yes"

[[benchmark]]
id = "other_town"
region = "Other Town"
status = "missing"
like_for_like = "missing"
"""


def _run(*args):
    return CliRunner().invoke(prices_group, [str(a) for a in args], catch_exceptions=False)


def test_compare_with_a_benchmark_file(bundled_registry, tmp_path):
    path = tmp_path / "my_benchmarks.toml"
    path.write_text(GOOD, encoding="utf-8")
    table = load_benchmarks(path)
    assert table["price_nok_m2"].tolist()[0] == pytest.approx(500.0)
    assert table["date"].tolist()[0] == "2025-01-01"
    result = _run("compare", "--registry", bundled_registry, "--benchmarks", path, "-o", tmp_path / "out.csv")
    assert result.exit_code == 0, result.output
    assert "test_town" in result.stdout and "other_town" in result.stdout
    assert "copenhagen" not in result.stdout  # the bundled table is not used
    assert "like-for-like: test_town; missing (no citable figure): other_town" in result.stdout
    only = _run("compare", "--registry", bundled_registry, "--benchmarks", path, "--with", "other_town")
    assert only.exit_code == 0 and "test_town" not in only.stdout
    unknown = _run("compare", "--registry", bundled_registry, "--benchmarks", path, "--with", "copenhagen")
    assert unknown.exit_code == 1 and str(path) in unknown.stderr and "other_town" in unknown.stderr


def test_fee_treatment_decides_like_for_like(bundled_registry, tmp_path):
    path = tmp_path / "b.toml"
    path.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "excluded.csv"
    result = _run("compare", "--registry", bundled_registry, "--benchmarks", path, "--fees", "excluded", "-o", out)
    assert result.exit_code == 0, result.output
    assert "like-for-like: none" in result.stdout  # the benchmark includes connection fees, the series does not


def test_bundled_table_passes_the_checks():
    assert len(load_benchmarks(BENCHMARKS_PATH)) >= 5


BAD_ROWS = [
    ('price_per_m2 = "abc"', 1, "price_per_m2", "expected a number above 0, got 'abc'"),
    ("pric_per_m2 = 5.0", 1, "pric_per_m2", "unknown field"),
    ('currency = "kroner"', 1, "currency", "three-letter ISO 4217"),
    ("connection_fees_included = 1", 1, "connection_fees_included", "true or false"),
    ('like_for_like = "maybe"', 1, "like_for_like", "one of 'yes', 'partly', 'no', 'missing'"),
]


@pytest.mark.parametrize(("line", "row", "field", "problem"), BAD_ROWS, ids=[b[2] for b in BAD_ROWS])
def test_bad_value_names_file_row_and_field(bundled_registry, tmp_path, line, row, field, problem):
    key = line.split(" = ")[0]
    text = "\n".join(r for r in GOOD.splitlines() if not r.startswith(f"{key} ="))
    text = text.replace('id = "test_town"', f'id = "test_town"\n{line}')
    path = tmp_path / "my_benchmarks.toml"
    path.write_text(text, encoding="utf-8")
    result = _run("compare", "--registry", bundled_registry, "--benchmarks", path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Error" not in result.output
    assert f"my_benchmarks.toml row {row} (line 2, id 'test_town'), field '{field}': " in result.stderr
    assert problem in result.stderr


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (GOOD.replace('source = "test fixture"\n', ""), "row 1 (line 2, id 'test_town'), field 'source': missing"),
        (GOOD.replace('id = "other_town"', 'id = "test_town"'), "row 2 (line 18, id 'test_town'), field 'id': "),
        (GOOD.replace('region = "Other Town"\n', ""), "row 2 (line 18, id 'other_town'), field 'region': missing"),
        (
            GOOD + '\n[[benchmark]]\nid = "c"\nregion = "C"\nstatus = "claim"\nsource = "s"\nlike_for_like = "no"\n'
            'relative_to = ["atlantis"]\nratio_low = 3.0\nratio_high = 2.0\n',
            "row 3 (line 24, id 'c'), field 'relative_to': no row with id 'atlantis'",
        ),
        ("[benchmark]\nid = 1\n", "expected one or more [[benchmark]] tables"),
        ('[[benchmark]]\nid = "x\n', "is not valid TOML"),
    ],
    ids=["measured-needs-source", "duplicate-id", "region-required", "claim-relative-to", "not-rows", "bad-toml"],
)
def test_table_problems(tmp_path, text, expected):
    path = tmp_path / "my_benchmarks.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigurationError) as info:
        load_benchmarks(path)
    assert expected in str(info.value)
    assert str(path.name) in str(info.value)


def test_claim_ratios_in_order(tmp_path):
    path = tmp_path / "b.toml"
    path.write_text(
        GOOD + '\n[[benchmark]]\nid = "c"\nregion = "C"\nstatus = "claim"\nsource = "s"\nlike_for_like = "no"\n'
        'relative_to = ["test_town"]\nratio_low = 3.0\nratio_high = 2.0\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigurationError, match=r"row 3 .*field 'ratio_high': expected at least ratio_low \(3.0\)"):
        load_benchmarks(path)
