"""Out-of-range numbers and malformed industry codes are refused before any work, in the user's terms."""

from __future__ import annotations

import pytest

from landreg.clusters.industries import related_codes, validate_nace_codes
from landreg.errors import InvalidNaceCodeError
from landreg.search import SiteRequirements
from tests.landreg.cli._invoke import invoke as _landreg


@pytest.mark.parametrize(
    "args, option",
    [
        (["score", "--sensitivity", "-5"], "--sensitivity"),
        (["score", "--top", "0"], "--top"),
        (["search", "--top", "-1"], "--top"),
        (["search", "--max-flood-share", "1.5"], "--max-flood-share"),
        (["search", "--max-price", "-100"], "--max-price"),
        (["scenario", "torgard-terminal-built", "--top", "-3"], "--top"),
        (["clusters", "--gap-m", "-10"], "--gap-m"),
        (["query", "--limit", "0"], "--limit"),
        (["query", "--max-price", "-1"], "--max-price"),
        (["end", "TOR-012", "--version", "0"], "--version"),
        (["prices", "surface", "--pixel-size-m", "0"], "--pixel-size-m"),
        (["supply", "--uptake-daa-per-year", "-60"], "--uptake-daa-per-year"),
    ],
)
def test_out_of_range_numbers_are_refused(args, option, demo_registry_file):
    out = _landreg(*args, "--registry", demo_registry_file)
    assert out.exit_code == 2, out.stdout + out.stderr
    assert option in out.stderr and "range" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("command", ["clusters", "search"])
def test_a_malformed_industry_code_is_refused(command, demo_registry_file):
    out = _landreg(command, "--industry", "abc,46.72", "--registry", demo_registry_file)
    assert out.exit_code == 1, out.stdout + out.stderr
    assert "not a NACE industry code: 'abc'" in out.stderr and "46.72" in out.stderr
    assert "Traceback" not in out.stderr and "Error:" not in out.stderr.replace("error:", "")


def test_nace_codes_are_checked_where_they_enter_the_core():
    assert validate_nace_codes([" 46.72", "46.72", "52", "46.721"]) == ("46.72", "52", "46.721")
    for bad in ("abc", "4672", "00.10", "46.7201", ""):
        with pytest.raises(InvalidNaceCodeError, match="not a NACE industry code"):
            validate_nace_codes([bad])
    with pytest.raises(InvalidNaceCodeError):
        related_codes(["steel"])
    with pytest.raises(ValueError, match="not a NACE industry code"):
        SiteRequirements(industry_nace=["steel"])
