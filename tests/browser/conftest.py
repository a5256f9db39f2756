"""A real headless browser: Debian's ``chromium`` driven by playwright, which downloads nothing
(``executable_path`` is the system's browser). Without chromium the browser tests skip, saying
so; with ``CLIENTGATE_REQUIRE_BROWSER=1`` (as ``.ci/run`` sets) they fail instead."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

from tests.live import live_server  # noqa: F401  (a fixture)

CHROMIUM = "/usr/bin/chromium"


def _missing(reason: str) -> None:
    if os.environ.get("CLIENTGATE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason}, and CLIENTGATE_REQUIRE_BROWSER=1")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One browser per module: playwright's sync API holds an event loop in this thread while it
    runs, which the tests after these (running ASGI apps with ``anyio.run``) must not find."""
    path = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path is None:
        _missing("Debian's chromium is not installed (apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=path, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
