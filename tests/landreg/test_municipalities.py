"""Municipalities named by number or name, in any letter case, with æøå and both parts of bilingual names."""

from __future__ import annotations

import pytest

from landreg.municipalities import (
    TRONDELAG_MUNICIPALITIES,
    closest_municipality_names,
    municipality_no_from_ref,
)


@pytest.mark.parametrize(
    ("ref", "number"),
    [
        ("5035", "5035"),
        ("Stjørdal", "5035"),
        ("STJØRDAL", "5035"),
        (" trondheim ", "5001"),
        ("Tråante", "5001"),
        ("Trondheim - Tråante", "5001"),
        ("røros", "5025"),
        ("Snåsa", "5041"),
        ("Midtre Gauldal", "5027"),
        ("Åfjord", "5058"),
    ],
)
def test_known_municipalities(ref, number):
    assert municipality_no_from_ref(ref) == number


@pytest.mark.parametrize("ref", ["9999", "0301", "Oslo", "Stjordal", "", "Trondheim Tråante"])
def test_unknown_municipalities(ref):
    assert municipality_no_from_ref(ref) is None


def test_every_municipality_by_its_own_name():
    for number, name in TRONDELAG_MUNICIPALITIES.items():
        assert municipality_no_from_ref(name) == number == municipality_no_from_ref(name.upper())


def test_close_names_are_suggested():
    assert closest_municipality_names("Stjordal")[0] == "Stjørdal"
    assert closest_municipality_names("Melhuss")[0] == "Melhus"
    assert closest_municipality_names("Bergen") == []
