"""Languages of the pages, e-mails and maps: gettext catalogs and Norwegian number, unit and date formats.

Bokmål (``nb``) is the default language and English (``en``) the alternative. Texts are written in
English in the code (the gettext message ids) and translated to bokmål by the catalogs under
``landreg/locale/<lang>/LC_MESSAGES/<domain>.po``, one domain per feature (``site``, ``business``,
``maps``, ``alerts``). The catalogs are compiled in memory from the ``.po`` files at first use, so
no compiled ``.mo`` file can fall out of step with its source.

Numbers follow the language's conventions through Babel's CLDR data: ``1 234,5 daa`` and
``24. november 2026`` in bokmål (with a no-break space as the thousands separator, so a figure is
never split over two lines), ``1,234.5 daa`` and ``24 November 2026`` in English.

Examples
--------
>>> format_decares(1_234_500.0, "nb")
'1\\xa0234,5\\xa0daa'
>>> format_date(datetime.date(2026, 11, 24), "nb")
'24. november 2026'
"""

from __future__ import annotations

import datetime
import gettext
import io
import math
from functools import lru_cache
from pathlib import Path
from typing import Literal

from babel.dates import format_date as _babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from landreg.errors import UnknownLanguageError

Lang = Literal["nb", "en"]

LANGS: tuple[Lang, ...] = ("nb", "en")
"""The languages, the default first."""

DEFAULT_LANG: Lang = "nb"

LOCALE_DIR = Path(__file__).parent / "locale"
"""Where the ``.po`` catalogs live: ``<lang>/LC_MESSAGES/<domain>.po``."""

_BABEL_LOCALE: dict[str, str] = {"nb": "nb_NO", "en": "en_GB"}
NBSP = "\u00a0"
M2_PER_DECARE = 1000.0


def check_lang(lang: str) -> Lang:
    """``lang`` as a known language, or a clear error naming the ones there are."""
    if lang not in LANGS:
        raise UnknownLanguageError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang  # type: ignore[return-value]


@lru_cache(maxsize=64)
def translator(lang: str, domain: str) -> gettext.NullTranslations:
    """The translations of ``domain`` into ``lang`` (``gettext``/``ngettext``/``pgettext``).

    English is the language of the message ids: with no English catalog the ids are shown as they
    are. A missing bokmål catalog is an error (a page must never fall back to English silently).

    Parameters
    ----------
    lang
        ``"nb"`` or ``"en"``.
    domain
        The catalog's name, e.g. ``"site"``.
    """
    check_lang(lang)
    po_path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.exists():
        if lang == "en":
            return gettext.NullTranslations()
        raise UnknownLanguageError(f"no {lang} catalog for {domain!r}: expected {po_path}")
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=_BABEL_LOCALE[lang], domain=domain)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _finite(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def format_number(value: float | None, lang: str, *, decimals: int = 0, missing: str = "–") -> str:
    """``value`` with the language's separators and exactly ``decimals`` decimals (``missing`` when unknown).

    Examples
    --------
    >>> format_number(1234.5, "nb", decimals=1)
    '1\\xa0234,5'
    >>> format_number(1234.5, "en", decimals=1)
    '1,234.5'
    """
    if not _finite(value):
        return missing
    assert value is not None
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round(float(value), decimals), format=pattern, locale=_BABEL_LOCALE[check_lang(lang)])


def format_decares(area_m2: float | None, lang: str, *, decimals: int = 1, missing: str = "–") -> str:
    """An area stored in m², shown in decares: ``1 234,5 daa``."""
    if not _finite(area_m2):
        return missing
    assert area_m2 is not None
    return f"{format_number(area_m2 / M2_PER_DECARE, lang, decimals=decimals)}{NBSP}daa"


def format_nok_m2(price_nok_m2: float | None, lang: str, *, missing: str = "–") -> str:
    """A price per square metre: ``1 290 kr/m²`` (bokmål), ``NOK 1,290/m²`` (English)."""
    if not _finite(price_nok_m2):
        return missing
    number = format_number(price_nok_m2, lang)
    return f"{number}{NBSP}kr/m²" if check_lang(lang) == "nb" else f"NOK{NBSP}{number}/m²"


def format_share(fraction: float | None, lang: str, *, decimals: int = 0, missing: str = "–") -> str:
    """A fraction as a percentage: ``12 %`` (bokmål, with a no-break space), ``12%`` (English)."""
    if not _finite(fraction):
        return missing
    assert fraction is not None
    number = format_number(fraction * 100.0, lang, decimals=decimals)
    return f"{number}{NBSP}%" if check_lang(lang) == "nb" else f"{number}%"


def format_date(date: datetime.date | str | None, lang: str, *, missing: str = "–") -> str:
    """A date written out: ``24. november 2026`` (bokmål), ``24 November 2026`` (English).

    ``date`` may be an ISO 8601 string (``2026-11-24`` or a timestamp; only its date is shown).
    """
    if date is None or date == "":
        return missing
    if isinstance(date, str):
        date = datetime.date.fromisoformat(date[:10])
    elif isinstance(date, datetime.datetime):
        date = date.date()
    return _babel_format_date(date, format="long", locale=_BABEL_LOCALE[check_lang(lang)])


#: The fields whose codes have words in the ``vocab`` catalogs (msgctxt = field).
VOCABULARY_FIELDS: tuple[str, ...] = (
    "status",
    "zoning",
    "plan_status",
    "readiness",
    "price_basis",
    "price_kind",
    "owner_type",
    "utility",
    "area_type",
    "decision_status",
    "road_project_status",
)


def code_label(field: str, code: object, lang: str, *, missing: str = "–") -> str:
    """The word for a code of a controlled vocabulary: ``("zoning", "warehouse_logistics")`` → ``lager/logistikk``.

    Both languages have a catalog (``vocab``), so an English reader sees ``warehouse/logistics``,
    never the code. A code without a word (a value outside the vocabulary) is shown as it is.

    Parameters
    ----------
    field
        One of :data:`VOCABULARY_FIELDS` (the plot field, e.g. ``"status"``).
    code
        The stored code (``None`` or NaN: ``missing``).
    lang
        ``"nb"`` or ``"en"``.
    missing
        Shown for an unknown value.
    """
    if code is None or (isinstance(code, float) and not math.isfinite(code)) or code == "":
        return missing
    text = str(code)
    return translator(lang, "vocab").pgettext(field, text)
