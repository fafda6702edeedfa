"""Browser-test fixtures: a built site served over loopback HTTP, and headless Chromium.

Other browser tests can reuse these: `site` (the built output and its server), `browser`,
and `page` (a fresh context per test that fails the test on uncaught page errors and on
Content-Security-Policy violations).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.calc import PageProblems
from tests.browser.chromium import launch
from tests.browser.server import SiteServer

ROOT = Path(__file__).resolve().parents[2]
BASE_URL = "/guide/"  # not "/": proves every link is relative
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_PATH = BASE_URL + "__tests__/axe.min.js"  # same origin, so the page's CSP allows it
LOAD_TIMEOUT_MS = 120_000  # the first Pyodide boot on a slow CI machine


def build_site(out: Path, base_url: str = BASE_URL) -> Path:
    """Build the full site, calculator included, into `out`."""
    from site_builder import calculator
    from site_builder.build import build, default_producers
    from site_builder.render import BuildOptions

    producers = default_producers()
    if not any(p.name == calculator.PRODUCER.name for p in producers):
        producers.append(calculator.PRODUCER)
    build(ROOT, out, BuildOptions(base_url=base_url), producers=producers)
    return out


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    return build_site(tmp_path_factory.mktemp("site") / "dist")


@pytest.fixture(scope="session")
def site(built_site):
    server = SiteServer(dist=built_site, base=BASE_URL)
    if AXE.is_file():
        server.extra[AXE_PATH] = (AXE.read_bytes(), "text/javascript")
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _reset_server(request):
    """Every test starts with an online server and an empty request log."""
    if "site" in request.fixturenames:
        server = request.getfixturevalue("site")
        server.offline = False
        server.hold.clear()
        server.requests.clear()
    yield


# Module scope, not session: only one sync Playwright may run at a time, and tests elsewhere
# (tests/site) start their own once these modules are done.
@pytest.fixture(scope="module")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_instance):
    browser = launch(playwright_instance)
    yield browser
    browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def page(context):
    problems = PageProblems()
    page = context.new_page()
    problems.watch(page)
    yield page
    assert not problems.errors, "\n".join(problems.errors)
