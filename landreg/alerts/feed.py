"""The Atom 1.0 feed of a saved search (RFC 4287): one entry per site announced to it."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from landreg.alerts.messages import DOMAIN, plot_url, site_line
from landreg.alerts.model import SavedSearch
from landreg.alerts.store import AlertStore
from landreg.errors import EntityNotFoundError
from landreg.i18n import translator

if TYPE_CHECKING:
    from landreg.registry.base import Registry

ATOM_NS = "http://www.w3.org/2005/Atom"
ATOM_MEDIA_TYPE = "application/atom+xml"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def _tag_uri(search: SavedSearch, *parts: str) -> str:
    """A permanent entry or feed id (RFC 4151 tag URI): stable however the service's address changes."""
    return f"tag:landreg,{search.created_at[:10]}:alerts/{'/'.join((search.search_id, *parts))}"


def search_feed(registry: Registry, search_id: str) -> bytes:
    """The Atom feed (UTF-8 XML) of a confirmed, not unsubscribed saved search.

    Raises
    ------
    EntityNotFoundError
        When no such search is active (unknown, not confirmed yet, or unsubscribed).
    """
    store = AlertStore(registry)
    search = store.get_search(search_id)
    if search is None or not search.active:
        raise EntityNotFoundError(
            f"no active saved search {search_id!r}: it is unknown, not confirmed yet, or was unsubscribed"
        )
    sites = store.announced_sites(search_id)
    _ = translator(search.lang, DOMAIN).gettext
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": search.lang})
    _sub(feed, "id", _tag_uri(search))
    _sub(feed, "title", _("New sites for a saved search"))
    _sub(feed, "subtitle", "; ".join(f"{k} = {v}" for k, v in sorted(search.criteria.items())))
    _sub(feed, "updated", sites[0]["announced_at"] if sites else search.confirmed_at)
    author = _sub(feed, "author")
    _sub(author, "name", "landreg")
    _sub(feed, "link", rel="self", href=search.feed_url, type=ATOM_MEDIA_TYPE)
    _sub(feed, "generator", "landreg")
    for site in sites:
        summary = site["summary"]
        entry = _sub(feed, "entry")
        _sub(entry, "id", _tag_uri(search, site["site_id"]))
        _sub(entry, "title", site_line(summary, search.lang))
        _sub(entry, "updated", site["announced_at"])
        _sub(entry, "published", site["announced_at"])
        for plot_id in summary["plot_ids"]:
            _sub(
                entry,
                "link",
                rel="alternate" if plot_id == summary["plot_ids"][0] else "related",
                href=plot_url(search, plot_id),
                type="text/html",
            )
        _sub(entry, "summary", site_line(summary, search.lang), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
