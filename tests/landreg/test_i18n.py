"""Norwegian number, unit and date formats and the gettext catalogs (landreg.i18n)."""

from __future__ import annotations

import datetime

import pytest

from landreg import i18n


def test_bokmal_numbers_use_space_thousands_and_decimal_comma() -> None:
    assert i18n.format_number(1234.5, "nb", decimals=1) == "1\u00a0234,5"
    assert i18n.format_number(1234567, "nb") == "1\u00a0234\u00a0567"
    assert i18n.format_number(1234.5, "en", decimals=1) == "1,234.5"


def test_areas_are_shown_in_decares_from_square_metres() -> None:
    assert i18n.format_decares(1_234_500.0, "nb") == "1\u00a0234,5\u00a0daa"
    assert i18n.format_decares(999.0, "en", decimals=2) == "1.00\u00a0daa"


def test_prices_shares_and_dates() -> None:
    assert i18n.format_nok_m2(1290, "nb") == "1\u00a0290\u00a0kr/m²"
    assert i18n.format_nok_m2(1290, "en") == "NOK\u00a01,290/m²"
    assert i18n.format_share(0.123, "nb") == "12\u00a0%"
    assert i18n.format_date(datetime.date(2026, 11, 24), "nb") == "24. november 2026"
    assert i18n.format_date("2026-11-24T10:00:00Z", "en") == "24 November 2026"


@pytest.mark.parametrize("value", [None, float("nan"), float("inf")])
def test_unknown_values_are_shown_as_unknown_not_as_zero(value: float | None) -> None:
    assert i18n.format_number(value, "nb") == "–"
    assert i18n.format_decares(value, "nb") == "–"


def test_unknown_language_is_refused_with_the_languages_there_are() -> None:
    with pytest.raises(i18n.UnknownLanguageError, match="nb, en"):
        i18n.format_number(1.0, "de")


def test_catalogs_compile_from_po_and_translate(tmp_path, monkeypatch) -> None:
    po = tmp_path / "nb" / "LC_MESSAGES" / "probe.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "Available land"\nmsgstr "Ledig areal på Tiller og Ørland"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translator.cache_clear()
    try:
        assert i18n.translator("nb", "probe").gettext("Available land") == "Ledig areal på Tiller og Ørland"
        assert i18n.translator("en", "probe").gettext("Available land") == "Available land"
        with pytest.raises(i18n.UnknownLanguageError, match="no nb catalog"):
            i18n.translator("nb", "absent")
    finally:
        i18n.translator.cache_clear()


def test_every_bundled_catalog_is_complete_in_bokmal() -> None:
    """Every message of every bokmål catalog is translated (no empty msgstr, no fuzzy entry)."""
    from babel.messages.pofile import read_po

    for po_path in sorted((i18n.LOCALE_DIR / "nb" / "LC_MESSAGES").glob("*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        missing = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
        assert not missing, f"{po_path.name}: untranslated {missing[:5]}"


def test_codes_are_shown_as_words_in_both_languages() -> None:
    from landreg.model.enums import (
        AreaType,
        DecisionStatus,
        OwnerType,
        PlanStatus,
        PlotStatus,
        PriceBasis,
        PriceKind,
        Readiness,
        RoadProjectStatus,
        Utility,
        Zoning,
    )

    assert i18n.code_label("zoning", "warehouse_logistics", "nb") == "lager/logistikk"
    assert i18n.code_label("zoning", "warehouse_logistics", "en") == "warehouse/logistics"
    assert i18n.code_label("status", "locked", "nb") == "låst"
    assert i18n.code_label("status", None, "nb") == "–"
    vocabularies = {
        "status": PlotStatus,
        "zoning": Zoning,
        "plan_status": PlanStatus,
        "readiness": Readiness,
        "price_basis": PriceBasis,
        "price_kind": PriceKind,
        "owner_type": OwnerType,
        "utility": Utility,
        "area_type": AreaType,
        "decision_status": DecisionStatus,
        "road_project_status": RoadProjectStatus,
    }
    assert set(vocabularies) == set(i18n.VOCABULARY_FIELDS)
    for lang in i18n.LANGS:
        for field, enum in vocabularies.items():
            for member in enum:
                word = i18n.code_label(field, member.value, lang)
                assert "_" not in word, (lang, field, member.value, word)
                if lang == "nb":
                    assert word != member.value, (field, member.value)
