"""``/docs`` works with no internet: Swagger UI's assets come from the service itself."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.browser import chromium_context
from tests.maps.test_browser import PageLog


def _asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)


def test_docs_page_references_no_external_host(read_api):
    r = read_api.client.get(read_api.url + "/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    urls = _asset_urls(r.text)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls) and any(u.endswith("swagger-ui.css") for u in urls)
    assert not re.search(r"https?://", r.text), "the page names an external host"
    for url in urls:
        assert urlparse(url).netloc == "", url
        asset = read_api.client.get(read_api.url + url)
        assert asset.status_code == 200, url
    js = read_api.client.get(read_api.url + "/static/swagger-ui/swagger-ui-bundle.js")
    assert "javascript" in js.headers["content-type"] and "SwaggerUIBundle" in js.text
    assert read_api.client.get(read_api.url + "/static/swagger-ui/LICENSE").status_code == 200
    assert read_api.client.get(read_api.url + "/static/swagger-ui/../docs.py").status_code == 404


@pytest.mark.slow
def test_docs_render_the_operations_offline(read_server, tmp_path):
    with chromium_context(tmp_path / "profile", height=720) as context:
        # No internet: every request to another host fails (and is recorded by PageLog).
        context.route(
            re.compile(r"^https?://(?!127\.0\.0\.1[:/]).*"),
            lambda route: route.abort("internetdisconnected"),
        )
        page = context.new_page()
        log = PageLog(page, "127.0.0.1")
        page.goto(read_server.url + "/docs", wait_until="load", timeout=30_000)
        page.wait_for_selector(".opblock", timeout=20_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        title = page.locator(".information-container .title").inner_text()
    assert "/collections" in " ".join(paths) and "/maps/plots" in " ".join(paths)
    assert len(paths) >= 20
    assert "landreg" in title
    log.assert_clean()
