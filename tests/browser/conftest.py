"""Playwright in Debian's Chromium against pytest-django's live server.

No browser is downloaded (no internet here): the tests launch /usr/bin/chromium and are skipped
with a clear message when it is absent (`apt-get install -y chromium`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# pytest-django's live_server and the sync Playwright API share this thread; Playwright runs an
# event loop in it, which makes Django think it is in async context and refuse ORM calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is absent: install Debian's chromium to run the browser tests"
        if os.environ.get("MITRA_REQUIRE_BROWSER"):
            # CI sets this: there, a missing browser is a failure, not a silent skip.
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def shoot() -> Any:
    """shoot(page, "name") saves test-artifacts/name.png (full page) for a human to look at."""
    ARTIFACTS.mkdir(exist_ok=True)

    def _shoot(page: Any, name: str) -> None:
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    return _shoot


@pytest.fixture(scope="session")
def live_server(request: Any, django_db_setup: Any) -> Iterator[Any]:
    """pytest-django's live server, started only after the test database exists.

    The stock fixture may start first, while the SQLite NAME is still ':memory:'; it then hands
    one connection to every server thread, and concurrent requests misuse it (InterfaceError,
    even a crash). Created after `django_db_setup`, each server thread opens its own connection
    to the test database file.
    """
    from pytest_django.live_server_helper import LiveServer

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr)
    yield server
    server.stop()
