"""Headless Chromium for the browser tests: Debian's ``/usr/bin/chromium`` driven by Playwright, no internet.

Playwright's own browser download is never used; ``.ci/run`` installs Debian's chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextmanager
def chromium_context(profile_dir: Path, *, width: int = 1280, height: int = 860) -> Iterator[Any]:
    """A persistent headless Chromium context with a fresh profile in ``profile_dir``, closed on exit."""
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is needed for the browser tests: apt-get install chromium chromium-driver "
            "(.ci/run does it)"
        )
    from playwright import sync_api

    with sync_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile_dir),
            executable_path=str(CHROMIUM),
            headless=True,
            args=ARGS,
            viewport={"width": width, "height": height},
        )
        try:
            yield context
        finally:
            context.close()
