"""Figures as the pages show them: Norwegian and English number and unit formats from the figure's unit."""

from __future__ import annotations

import pytest

from landreg.i18n import NBSP, translator
from maps.site.labels import FIGURE_LABELS, format_value, label_of


@pytest.mark.parametrize(
    ("value", "unit", "lang", "expected"),
    [
        (1234.5, "daa", "nb", f"1{NBSP}234,5{NBSP}daa"),
        (1234.5, "daa", "en", f"1,234.5{NBSP}daa"),
        (12.345, "daa/year", "nb", f"12,3{NBSP}daa/år"),
        (12.345, "daa/year", "en", f"12.3{NBSP}daa/year"),
        (-0.456, "daa/year²", "nb", f"-0,46{NBSP}daa/år²"),
        (7.25, "years", "nb", f"7,2{NBSP}år"),
        (None, "years", "nb", "–"),
        (float("nan"), "daa", "nb", "–"),
    ],
)
def test_values_carry_their_unit_in_the_language(value, unit, lang, expected):
    assert format_value(value, unit, lang, translator(lang, "site").gettext) == expected


def test_every_figure_has_a_name_in_both_languages():
    nb, en = translator("nb", "site").gettext, translator("en", "site").gettext
    for fid, msgid in FIGURE_LABELS.items():
        assert label_of(fid, en) == msgid
        assert label_of(fid, nb) != msgid or msgid == "Status", f"{fid}: {msgid!r} has no bokmål name"
    assert label_of("available_now_daa", nb) == "Ledig nå"


def test_every_figure_the_core_defines_has_a_name_on_the_site():
    from landreg.indicators import DEFINITIONS
    from maps.site.labels import OTHER_LABELS

    assert set(DEFINITIONS) == set(FIGURE_LABELS) | set(OTHER_LABELS)
