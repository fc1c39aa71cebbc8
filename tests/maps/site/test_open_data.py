"""The open-data page of the published site links every file the open-data writer wrote, in its language."""

from __future__ import annotations

import json

import lxml.html


def _download_urls(node) -> list[str]:
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key == "dcat:downloadURL":
                found += [
                    v if isinstance(v, str) else v.get("@id", "")
                    for v in (value if isinstance(value, list) else [value])
                ]
            else:
                found += _download_urls(value)
        return found
    if isinstance(node, list):
        return [u for item in node for u in _download_urls(item)]
    return []


def test_open_data_page_links_every_file_and_the_catalogue(published):
    out, _, _ = published
    for lang, page in (("nb", out / "apne-data.html"), ("en", out / "en" / "apne-data.html")):
        doc = lxml.html.fromstring(page.read_bytes())
        linked = {(page.parent / href).resolve() for href in doc.xpath("//main//a[@download]/@href")}
        folder = out / "data" / "open" / lang
        written = {p.resolve() for p in folder.iterdir()}
        assert linked == written
        assert {p.suffix for p in written} == {".csv", ".xlsx", ".gpkg", ".geojson", ".jsonld"}
        catalogue = next(folder.glob("*.jsonld"))
        urls = _download_urls(json.loads(catalogue.read_text(encoding="utf-8")))
        assert urls and {(catalogue.parent / u).resolve() for u in urls} == written - {catalogue.resolve()}
