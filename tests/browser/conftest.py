"""Fixtures for the browser journeys: the real app in a subprocess and Debian's chromium.

The app runs as ``python -m server`` (uvicorn) against its own SQLite file, a copy of the demo
database migrated and seeded once per run, so these tests never touch the database of the other
tests nor one another's.
"""

from __future__ import annotations

import os

import pytest

from tests.browser.support import (
    AXE_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    new_context,
    require,
    set_template_root,
    start_server,
    stop_server,
)


@pytest.fixture(scope="session")
def demo_templates(tmp_path_factory):
    """Where the migrated and seeded demo databases are made once per run (shared by xdist's workers)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's folder, above each worker's own
    set_template_root(root / "demo-templates")


@pytest.fixture(scope="session")
def browser_tools(demo_templates):
    require(CHROMIUM.exists(), f"chromium is not installed at {CHROMIUM}")
    require(AXE_JS.exists(), f"axe-core is not installed at {AXE_JS} (run npm install)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - depends on the environment
        require(False, "the playwright Python package is not installed")
        raise  # not reached: require skips or fails
    return sync_playwright


@pytest.fixture(scope="session")
def live_server(browser_tools):
    server = start_server()
    yield server
    stop_server(server)


# Thirty days after the seed: the open demo contest (submissions close 25 days after the seed) is
# in its judging phase, which lasts until day 39.
JUDGING_CLOCK_OFFSET = 30 * 24 * 3600


@pytest.fixture(scope="module")
def judging_server(browser_tools):
    """A second app, on its own port and SQLite file, whose clock runs 30 days ahead."""
    server = start_server(extra_env={"CLOCK_OFFSET": str(JUDGING_CLOCK_OFFSET)})
    yield server
    stop_server(server)


@pytest.fixture(scope="package")
def browser(browser_tools):
    # Package scope, not session: while Playwright's sync API is open it owns the thread's
    # event loop, which would break the async tests collected after this package.
    with browser_tools() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = new_context(browser)
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()
