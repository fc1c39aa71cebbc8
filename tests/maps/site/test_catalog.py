"""Every text of the site goes through the ``site`` catalog: nothing hard-coded in templates, nothing untranslated."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from landreg.i18n import LOCALE_DIR
from maps.site.render import TEMPLATES_DIR

SITE_PY = Path(TEMPLATES_DIR).parent
PO = LOCALE_DIR / "nb" / "LC_MESSAGES" / "site.po"
#: Words a template may show as they are: proper names, file names and symbols the same in both languages.
VERBATIM = {"Trondheimsregionen", "map.js"}


def _message_ids() -> list[str]:
    ids: list[str] = []
    for path in sorted(TEMPLATES_DIR.glob("*.html")):
        with path.open("rb") as f:
            for _, _, message, _ in babel_extract(f, ("_", "gettext", "ngettext"), [], {}):
                ids.append(message if isinstance(message, str) else message[0])
    for path in sorted(SITE_PY.glob("*.py")):
        keywords = {"N_": None, "_": None, "gettext": None}
        for _, message, _, _ in extract_from_file("python", str(path), keywords=keywords):
            ids.append(message if isinstance(message, str) else message[0])
    return ids


def test_every_message_has_a_bokmal_translation():
    with PO.open("rb") as f:
        catalog = read_po(f)
    assert catalog.charset.lower() == "utf-8"
    ids = _message_ids()
    assert len(ids) > 80
    missing = sorted({m for m in ids if m not in catalog or not catalog[m].string or catalog[m].fuzzy})
    assert missing == [], f"add these to {PO}: {missing}"
    assert catalog["Available now"].string == "Ledig nå"


def _visible_text(source: str) -> str:
    """A template with its Jinja tags, comments, HTML tags and entities taken out: the text it hard-codes."""
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    text = re.sub(r"\{%.*?%\}", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}", " ", text, flags=re.S)
    text = re.sub(r"<!DOCTYPE[^>]*>", " ", text)
    text = re.sub(r"<[^>]+>", " ", text, flags=re.S)
    return re.sub(r"&\w+;", " ", text)


def test_templates_hard_code_no_words():
    for path in sorted(TEMPLATES_DIR.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        words = [w for w in re.findall(r"[^\W\d_][\w.]*", _visible_text(source)) if w not in VERBATIM]
        assert words == [], f"{path.name} shows text outside gettext: {words}"
        for attr in re.findall(r'(?:aria-label|title|alt|placeholder)="([^"]*)"', source):
            assert attr.startswith("{{"), f"{path.name}: attribute text {attr!r} outside gettext"
