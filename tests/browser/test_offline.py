"""Offline and updates (the site's service worker, sw.js): pages a visitor opened read
offline with a notice; after one visit the calculator starts from the service worker's cache
and works offline; a first visit downloads no file twice; a redeploy replaces the whole cache
rather than mixing old and new files; a rules change reaches a returning visitor on the next
reload, with a notice."""

from __future__ import annotations

import collections
import contextlib
import json
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from playwright.sync_api import expect

import scoring
from scoring.rules_version import rules_version_of_folder
from site_builder import calculator
from tests.browser.calc import (
    current_fragment,
    open_calculator,
    poll,
    wait_for_total,
    wait_ready,
)
from tests.browser.conftest import BASE_URL, ROOT, build_site
from tests.browser.server import serve

pytestmark = pytest.mark.browser


def service_worker_state(page) -> dict:
    return page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            return {
                active: registration && registration.active ? registration.active.state : null,
                waiting: !!(registration && registration.waiting),
                installing: !!(registration && registration.installing),
                controlled: !!navigator.serviceWorker.controller,
                caches: await caches.keys(),
            };
        }"""
    )


def wait_until_offline_ready(page) -> dict:
    return poll(lambda: (s := service_worker_state(page))["active"] == "activated"
                and not s["installing"] and not s["waiting"] and s, timeout=60)


def engine_manifest(dist: Path) -> dict:
    """The manifest the build wrote into sw.js."""
    text = (dist / "sw.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"^const MANIFEST = (\{.*\});$", text, re.M).group(1))


def worker_engine(dist: Path) -> dict:
    """The ENGINE block the build wrote into calculator/worker.js."""
    text = (dist / "calculator" / "worker.js").read_text(encoding="utf-8")
    return json.loads(re.search(r"^const ENGINE = (\{.*\});$", text, re.M).group(1))


def first_visit_bytes(engine: dict) -> int:
    """What a first visit downloads for the engine, by the ENGINE block: the WebAssembly
    binary and the standard library as their brotli copies, with the brotli decoder."""
    return sum({**engine["bytes"], **engine["bytes_brotli"]}.values())


def wait_until_engine_cached(page, dist: Path) -> str:
    """Wait until the service worker of the version built in `dist` holds every engine file;
    return that cache's name. (Right after a redeploy the previous version's full engine cache
    is still there until the new worker activates, so the name must match this version.)"""
    manifest = engine_manifest(dist)
    expected = [f" engine {manifest['version']}", len(manifest["engine"])]

    def cached():
        return page.evaluate(
            """async ([suffix, count]) => {
                for (const name of await caches.keys()) {
                    if (!name.endsWith(suffix)) continue;
                    const keys = await (await caches.open(name)).keys();
                    if (keys.length === count) return name;
                }
                return null;
            }""",
            expected,
        )

    return poll(cached, timeout=120)


def wait_until_unzipped(page, dist: Path) -> str:
    """Wait until the service worker of the version built in `dist` holds its gunzipped copy of
    the memory snapshot (made after the engine cache is full); return that cache's name."""
    manifest = engine_manifest(dist)
    [(_path, copy)] = manifest["unzip"]
    name = f" unzipped {manifest['version']}"

    def unzipped():
        return page.evaluate(
            """async ([suffix, key]) => {
                for (const name of await caches.keys()) {
                    if (name.endsWith(suffix) && await (await caches.open(name)).match(key)) {
                        return name;
                    }
                }
                return null;
            }""",
            [name, BASE_URL + copy],
        )

    return poll(unzipped, timeout=120)


def first_entry(catalogue: str = "qualifications") -> dict:
    data = tomllib.loads((ROOT / "catalogue" / f"{catalogue}.toml").read_text(encoding="utf-8"))
    return data["entries"][0]


def test_an_entry_page_opened_once_reads_offline_with_a_notice(context, site):
    entry = first_entry()
    url = site.url(f"catalogue/qualifications/{entry['id']}/")
    page = context.new_page()
    page.goto(url)
    expect(page.locator("h1")).to_contain_text(entry["name"])
    expect(page.locator("[data-notice]")).to_have_count(0)  # online: no notice
    wait_until_offline_ready(page)
    # The service worker saves the page it was not yet in charge of when it loaded.
    poll(lambda: page.evaluate("async (url) => !!(await caches.match(url))", url), timeout=30)
    # Data a page fetched (e.g. the search index) is kept the same way.
    index = page.evaluate(
        "async () => (await (await fetch('../../index.json')).json()).entries.length"
    )
    assert index > 0

    site.offline = True
    context.set_offline(True)
    try:
        again = context.new_page()
        again.goto(url)
        expect(again.locator("h1")).to_contain_text(entry["name"])
        notice = again.locator('[data-notice="offline"]')
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("离线副本")
        # The site's stylesheet came along: the notice is styled by it.
        assert notice.evaluate("el => getComputedStyle(el).borderLeftStyle") == "solid"
        assert again.evaluate(
            "async () => (await (await fetch('../../index.json')).json()).entries.length"
        ) == index
    finally:
        context.set_offline(False)
        site.offline = False


def test_the_home_page_search_works_offline_after_one_visit(browser, context, site):
    from tests.browser.test_search import result_names, search

    # What the search finds online, in another browser.
    other = browser.new_context(locale="zh-CN")
    try:
        online = other.new_page()
        online.goto(site.url(""))
        search(online, "kj")
        expected = result_names(online)[0]
    finally:
        other.close()

    # One visit to the home page, without searching: the page does not fetch the index (it
    # waits for the visitor to turn to the box), the service worker keeps it all the same.
    page = context.new_page()
    page.goto(site.url(""))
    index = page.evaluate(
        "() => new URL(document.getElementById('search').dataset.index, location.href).href"
    )
    wait_until_offline_ready(page)
    poll(lambda: page.evaluate("async (url) => !!(await caches.match(url))", index), timeout=30)

    site.offline = True
    context.set_offline(True)
    try:
        again = context.new_page()
        again.goto(site.url(""))
        expect(again.locator('[data-notice="offline"]')).to_be_visible()
        search(again, "kj")
        assert result_names(again)[0] == expected
        expect(again.locator("#search-results a").filter(has_text=expected).first).to_be_visible()
    finally:
        context.set_offline(False)
        site.offline = False


def first_visit_counts(browser, site, arrive) -> collections.Counter:
    """Every path the server was asked for during a first visit in a fresh context (like a
    private window: nothing cached, an in-memory HTTP cache), `arrive(page)` opening the
    calculator, up to the service worker holding the whole engine."""
    context = browser.new_context(locale="zh-CN")
    try:
        page = context.new_page()
        arrive(page)
        wait_ready(page)
        wait_for_total(page, {"age": 30})
        # Everything the service worker keeps is in place: its install and the engine's copy.
        wait_until_offline_ready(page)
        wait_until_engine_cached(page, site.dist)
        # The browser's own update checks of the service worker script do not count: it
        # re-reads that one small file past every cache, by design.
        return collections.Counter(
            r.path for r in site.requests
            if r.method == "GET" and r.headers.get("Service-Worker") != "script"
        )
    finally:
        context.close()


@contextlib.contextmanager
def hosted(site, host, cache_control):
    """The shared test server behaving like another host for the duration of the block."""
    site.host, site.cache_control = host, cache_control
    try:
        yield site
    finally:
        site.host, site.cache_control = None, None


LINK_PAGE = BASE_URL + "__tests__/link/"


def arrive_by_link(site, origin: str):
    """Open the calculator by clicking a link on a page of `origin` (a search result, a
    chat message): a cross-site arrival when `origin` is another site."""
    href = site.url("calculator/#age=30")
    site.extra[LINK_PAGE] = (f'<!doctype html><a id="go" href="{href}">计算器</a>'.encode(),
                             "text/html")

    def arrive(page):
        page.goto(origin + LINK_PAGE)
        page.click("#go")

    return arrive


@pytest.mark.parametrize("host, cache_control", [
    # No Cache-Control and no validators: the HTTP cache keeps the responses all the same.
    pytest.param("gzip", None, id="no-cache-headers"),
    pytest.param("gzip", "max-age=600", id="github-pages"),
])
def test_a_first_visit_downloads_no_file_twice(browser, site, host, cache_control):
    with hosted(site, host, cache_control):
        counts = first_visit_counts(browser, site, arrive_by_link(site, site.origin))
    twice = {path: n for path, n in counts.items() if n > 1}
    assert not twice, f"requested more than once: {twice}"
    assert counts[BASE_URL + "calculator/"] == 1
    # The binary and the standard library came as their brotli copies, and the service worker
    # kept the worker's unpacked copies instead of downloading the files themselves (3.5 MB
    # and 2.5 MB more from a gzip host).
    for name in ("pyodide.asm.wasm", "/python_stdlib-"):
        assert any(name in path and path.endswith(".br") for path in counts), counts
        assert not any(name in path and not path.endswith(".br") for path in counts), counts


def test_a_first_visit_from_another_site_downloads_the_engine_once(browser, site):
    # The browser keeps what a navigation from another site loaded apart from what this site's
    # own requests can reuse (cache partitioning), so the service worker downloads the page's
    # HTML once more for its offline copy; the engine itself is downloaded once.
    other_site = site.origin.replace("127.0.0.1", "localhost")
    with hosted(site, "gzip", "max-age=600"):
        counts = first_visit_counts(browser, site, arrive_by_link(site, other_site))
    twice = {path: n for path, n in counts.items() if n > 1}
    assert set(twice) <= {BASE_URL + "calculator/"}, f"requested more than once: {twice}"
    assert twice.get(BASE_URL + "calculator/", 1) <= 2
    assert any("pyodide.asm.wasm" in path for path in counts)


def test_second_visit_works_with_the_network_off(context, site):
    page = context.new_page()
    open_calculator(page, site, "age=30")
    wait_for_total(page, {"age": 30})
    wait_until_offline_ready(page)
    engine = wait_until_engine_cached(page, site.dist)
    unzipped = wait_until_unzipped(page, site.dist)
    # One copy of each file: the worker's download copies went into the engine cache (and
    # the snapshot's gunzipped copy into its own).
    assert poll(lambda: sorted(n for n in service_worker_state(page)["caches"]
                               if "shell" not in n) == sorted([engine, unzipped]))

    site.offline = True  # the server now drops every connection
    site.requests.clear()
    context.set_offline(True)
    try:
        second = context.new_page()
        profile = {"age": 38, "education": "master", "si_months": 90}
        open_calculator(second, site, "age=38&education=master&si_months=90")
        wait_for_total(second, profile)
        second.locator('[name="si_months"]').fill("100")
        wait_for_total(second, {**profile, "si_months": 100})
    finally:
        context.set_offline(False)
        site.offline = False
    # Nothing came from the network: at most the browser's own check for a new sw.js.
    assert all(r.path.endswith("/sw.js") for r in site.requests), site.requests


def scored_total(page) -> str:
    """The total on the page once it belongs to the answers in the form."""
    root = page.locator("#calculator")
    poll(lambda: root.get_attribute("data-scored") == current_fragment(page), timeout=120)
    expect(root).to_have_attribute("data-state", "scored")
    return page.locator("#score-total").inner_text()


def test_a_rules_change_reaches_a_returning_visitor_on_one_reload(context, tmp_path, monkeypatch):
    # The site is built from a copy of the scoring package, whose rules the test then changes.
    package = tmp_path / "scoring"
    shutil.copytree(Path(scoring.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(calculator, "SCORING_DIR", package)
    dist = build_site(tmp_path / "dist")
    profile = {"age": 30}
    with serve(dist) as server:
        page = context.new_page()
        open_calculator(page, server, "age=30")
        before = wait_for_total(page, profile)
        expect(page.locator("[data-notice]")).to_have_count(0)
        wait_until_offline_ready(page)
        old_engine = wait_until_engine_cached(page, dist)
        old_unzipped = wait_until_unzipped(page, dist)

        # A policy change: the age band of a 30-year-old scores 3 points less.
        indicators = package / "rules" / "indicators.toml"
        text = indicators.read_text(encoding="utf-8")
        changed = text.replace("{ min = 16, points = 30 }", "{ min = 16, points = 27 }", 1)
        assert changed != text
        indicators.write_text(changed, encoding="utf-8")
        build_site(dist)  # into the same folder, as a redeploy does

        page.reload()
        expect(page.locator("#calculator")).to_have_attribute("data-engine", "ready",
                                                               timeout=120_000)
        assert scored_total(page) == str(before["total"] - 3)
        notice = page.locator('[data-notice="rules-updated"]')
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("规则数据已更新")
        new_version = rules_version_of_folder(package / "rules")
        assert new_version != before["rules_version"]
        expect(page.locator("html")).to_have_attribute("data-rules-version", new_version)

        # The new version took over and replaced the whole engine cache: offline, the
        # calculator still scores with the new rules, never with an old file.
        wait_until_offline_ready(page)
        new_engine = wait_until_engine_cached(page, dist)
        assert new_engine != old_engine

        def engine_caches():
            names = page.evaluate("async () => await caches.keys()")
            return [name for name in names if " engine " in name]

        # The old version's engine cache goes once the new worker has activated, and its
        # gunzipped snapshot with it.
        poll(lambda: engine_caches() == [new_engine], timeout=60)
        new_unzipped = wait_until_unzipped(page, dist)
        assert new_unzipped != old_unzipped
        poll(lambda: [name for name in page.evaluate("async () => await caches.keys()")
                      if " unzipped " in name] == [new_unzipped], timeout=60)
        server.offline = True
        context.set_offline(True)
        try:
            offline = context.new_page()
            open_calculator(offline, server, "age=30")
            assert scored_total(offline) == str(before["total"] - 3)
            expect(offline.locator('[data-notice="offline"]')).to_be_visible()
            # The notice says once that the rules changed, not on every visit.
            expect(offline.locator('[data-notice="rules-updated"]')).to_have_count(0)
        finally:
            context.set_offline(False)
            server.offline = False
