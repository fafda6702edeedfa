"""A first visit's engine downloads begin in the page (start.js preloads the WebAssembly binary's
brotli copy and its decoder, the standard library and the wheel) instead of when the worker's
code gets to run; the worker takes what the preloads bring into the HTTP cache, so each file
still comes from the server once, even from a host that sends no cache headers. A repeat visit
preloads nothing (the service worker holds the files), and a preload that finished before the
worker ran does not make a slow connection look fast to the worker's decision whether the
snapshot pays."""

from __future__ import annotations

import threading
import urllib.parse

import pytest

from tests.browser.calc import open_calculator, poll, wait_for_total
from tests.browser.conftest import BASE_URL
from tests.browser.test_offline import (
    hosted,
    wait_until_engine_cached,
    wait_until_offline_ready,
    worker_engine,
)
from tests.browser.test_snapshot import engine_start, slow_connection, snapshot_requests

pytestmark = pytest.mark.browser

FRAGMENT = "age=38&education=master&si_months=90"
PROFILE = {"age": 38, "education": "master", "si_months": 90}


def preloaded_paths(dist) -> dict[str, str]:
    """The files the page preloads, by role: site paths as the server sees them."""
    engine = worker_engine(dist)
    calculator = BASE_URL + "calculator/"
    # The WebAssembly binary and the standard library as their brotli copies, with the
    # decoder's own WebAssembly.
    relative = {"wasm": engine["wasm_brotli"], "decoder": engine["brotli"]["wasm"],
                "stdlib": engine["stdlib_brotli"], "wheel": engine["wheel"]}
    return {role: urllib.parse.urlsplit(urllib.parse.urljoin(calculator, path)).path
            for role, path in relative.items()}


def served(site, path: str) -> int:
    return sum(1 for r in site.requests if r.method == "GET" and r.path.split("?")[0] == path)


def resource_entries(target) -> list[dict]:
    """Resource Timing of a page or worker: path, initiator and bytes over the network."""
    return target.evaluate("""() => performance.getEntriesByType("resource").map((e) => ({
        path: new URL(e.name).pathname, initiator: e.initiatorType, transfer: e.transferSize}))""")


def test_a_first_visit_preloads_the_engine_and_the_worker_takes_each_file_once(context, site):
    paths = preloaded_paths(site.dist)
    # The hardest host for reuse: no Cache-Control, no validators; the worker must take the
    # preloads' copies all the same.
    with hosted(site, "gzip", None):
        page = context.new_page()
        open_calculator(page, site, FRAGMENT)
        wait_for_total(page, PROFILE)

        by_page = {e["path"]: e for e in resource_entries(page) if e["initiator"] == "link"}
        (worker,) = page.workers
        by_worker = {e["path"]: e for e in resource_entries(worker)}
        for role, path in paths.items():
            # The page's preload downloaded it…
            assert by_page[path]["transfer"] > 0, (role, by_page.get(path))
            # The worker read it from what the preload brought in, not from the server.
            assert by_worker[path]["transfer"] == 0, (role, by_worker[path])
            assert served(site, path) == 1, role

        # Once the service worker holds the engine, a visit preloads nothing and downloads
        # nothing: every file comes from the device.
        wait_until_offline_ready(page)
        wait_until_engine_cached(page, site.dist)
        again = context.new_page()
        open_calculator(again, site, FRAGMENT)
        wait_for_total(again, PROFILE)
        assert again.locator('link[rel="preload"]').count() == 0
        for role, path in paths.items():
            assert served(site, path) == 1, role
        # The binary and the standard library themselves never came from the server: the
        # service worker keeps the copies the first visit unpacked, and serves them.
        for role in ("wasm", "stdlib"):
            assert served(site, paths[role].removesuffix(".br")) == 0, role


def test_a_preload_done_before_the_worker_ran_does_not_make_a_slow_connection_look_fast(
        context, site):
    # The worker's script arrives only once the standard library's preload has every byte:
    # the worker then reads that file from the HTTP cache at once, and only the page's timing
    # of the preload tells it how slow the connection is.
    paths = preloaded_paths(site.dist)
    release = threading.Event()
    site.hold["/calculator/worker.js"] = release
    try:
        page = context.new_page()
        slow_connection(context, page)
        page.goto(site.url("calculator/#" + FRAGMENT))
        poll(lambda: page.evaluate(
            """(path) => performance.getEntriesByType("resource").some(
                (e) => new URL(e.name).pathname === path && e.responseEnd > 0)""",
            paths["stdlib"]), timeout=60)
    finally:
        release.set()
    wait_for_total(page, PROFILE)
    # Fetching the 2.8 MB snapshot first would have cost this connection more than it saves.
    assert engine_start(page) == "normal"
    assert snapshot_requests(site) == 0
