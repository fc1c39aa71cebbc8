"""The Jinja2 environment of the business pages: templates, gettext (``business``) and number formats.

One environment per language (cached): the ``_``/``gettext``/``ngettext`` of the templates come
from :func:`landreg.i18n.translator` with the ``business`` domain, and filters format every
number the Norwegian (or English) way, so no template hard-codes a text or a number format.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from landreg.i18n import (
    check_lang,
    code_label,
    format_date,
    format_decares,
    format_nok_m2,
    format_number,
    format_share,
    translator,
)
from maps.business import words

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"


def _minutes(seconds: float | None, lang: str) -> str:
    if seconds is None or seconds != seconds:
        return translator(lang, "business").gettext("not reachable")
    return f"{format_number(seconds / 60.0, lang)}\u00a0min"


def _km(metres: float | None, lang: str) -> str:
    if metres is None or metres != metres:
        return "–"
    return f"{format_number(metres / 1000.0, lang, decimals=1)}\u00a0km"


def _word(words_by_key: dict[str, str], key: str) -> str:
    return words_by_key.get(key, key)


@lru_cache(maxsize=4)
def environment(lang: str) -> Any:
    """The environment for ``lang`` (``nb`` or ``en``).

    Parameters
    ----------
    lang : str
        Language of the texts and number formats.

    Returns
    -------
    jinja2.Environment
    """
    import jinja2

    check_lang(lang)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html", "svg"]),
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    gettext = translator(lang, "business")
    env.install_gettext_translations(gettext, newstyle=True)  # type: ignore[attr-defined]
    _ = gettext.gettext

    env.filters.update(
        daa=lambda m2: format_decares(m2, lang),
        daa_value=lambda daa: format_decares(None if daa is None else daa * 1000.0, lang),
        nok_m2=lambda x: format_nok_m2(x, lang),
        date=lambda d: format_date(d, lang),
        number=lambda x, decimals=0: format_number(x, lang, decimals=decimals),
        share=lambda x: format_share(x, lang),
        minutes=lambda s: _minutes(s, lang),
        km=lambda m: _km(m, lang),
        code=lambda code, field: code_label(field, code, lang),
        target=lambda t: _(_word(words.TARGETS, t)),
        hazard=lambda h: _(_word(words.HAZARDS, h)),
        check=lambda s: _(words.CHECK_STATUS.get(str(s), str(s))) if s is not None else "–",
        criterion=lambda label: _(label),
        nace=lambda d: _(words.NACE_DIVISIONS[str(d)]) if str(d) in words.NACE_DIVISIONS else f"NACE {d}",
    )
    env.globals.update(lang=lang, other_lang="en" if lang == "nb" else "nb")
    return env


def render_template(name: str, *, lang: str, **context: Any) -> str:
    """Render the template ``name`` in ``lang`` with ``context``.

    Parameters
    ----------
    name : str
        File under ``maps/business/templates``.
    lang : str
        ``nb`` or ``en``.
    **context
        The template's variables.

    Returns
    -------
    str
        The HTML.
    """
    return str(environment(lang).get_template(name).render(**context))
