"""How fast the calculator is, measured in headless Chromium against the built site.

Prints, from one run on this machine:
- bare Pyodide boot: a minimal page that only loads Pyodide (same files, same server), cold
  (empty cache) and warm (second visit);
- navigation → first score on the calculator, cold and warm, and the ratio to bare boot
  (target: within 1.15×);
- input change → updated total over 50 edits: median and 95th percentile (target: median
  under 10 ms), from the page's own User Timing marks (`calc-input` → `calc-rendered`);
- bytes transferred by a catalogue entry page, the home page and an explainer (target: no
  WebAssembly, under 60 KB) and by the calculator (up to the first score, and the service
  worker's offline copy on top).

Timings are medians of several runs; each cold run uses a fresh browser context.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from site_builder.pyodide_runtime import find_runtime
from tests.browser.chromium import launch
from tests.browser.conftest import build_site
from tests.browser.server import SiteServer

RUNS = 5
EDITS = 50
FIRST_SCORE_RATIO_TARGET = 1.15
UPDATE_MEDIAN_TARGET_MS = 10.0
PAGE_BYTES_TARGET = 60 * 1024
PROFILE_FRAGMENT = "age=30&education=bachelor_degree&si_months=36"
BASE = "/guide/"

BARE_HTML = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare Pyodide boot</title>
<script type="module" src="bare.js"></script></head><body></body></html>
"""
# The same loader options as the calculator's worker, on the main thread: nothing but Pyodide.
BARE_JS = """import { loadPyodide } from "../../pyodide/%(version)s/pyodide.mjs";
const lock = %(lock)s;
await loadPyodide({
  indexURL: new URL("../../pyodide/%(version)s/", location.href).href,
  lockFileContents: JSON.stringify({ info: lock, packages: {} }),
});
performance.mark("bare-ready");
"""
WORKER_HTML = BARE_HTML.replace(b"bare.js", b"bare-worker-page.js")
WORKER_PAGE_JS = """const worker = new Worker("bare-worker.js", { type: "module" });
worker.onmessage = () => performance.mark("bare-ready");
"""
WORKER_JS = """import { loadPyodide } from "../../pyodide/%(version)s/pyodide.mjs";
const lock = %(lock)s;
await loadPyodide({
  indexURL: new URL("../../pyodide/%(version)s/", location.href).href,
  lockFileContents: JSON.stringify({ info: lock, packages: {} }),
});
postMessage("ready");
"""


def add_bare_pages(server: SiteServer, dist: Path) -> None:
    """Serve the bare-boot pages next to the site (benchmark only, never in dist)."""

    runtime = find_runtime(Path(__file__).resolve().parent.parent / "node_modules")
    values = {"version": runtime.version, "lock": json.dumps(runtime.lock_info)}
    js = "text/javascript"
    folder = BASE + "__bench__/"
    server.extra.update({
        folder + "bare/": (BARE_HTML, "text/html"),
        folder + "bare/bare.js": ((BARE_JS % values).encode(), js),
        folder + "worker/": (WORKER_HTML, "text/html"),
        folder + "worker/bare-worker-page.js": (WORKER_PAGE_JS.encode(), js),
        folder + "worker/bare-worker.js": ((WORKER_JS % values).encode(), js),
    })


def mark_time(page, name: str, timeout: float = 120.0) -> float:
    """Milliseconds from navigation start to the User Timing mark `name` (waits for it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = page.evaluate(
            "(name) => performance.getEntriesByName(name).map(e => e.startTime)", name
        )
        if found:
            return found[0]
        time.sleep(0.02)
    raise TimeoutError(f"no {name!r} mark within {timeout} s")


ENGINE_TIMES: list[dict] = []  # the calculator worker's own boot/install split


def visit(context, url: str, mark: str) -> float:
    page = context.new_page()
    page.goto(url)
    ms = mark_time(page, mark)
    engine = page.evaluate("() => document.getElementById('calculator')?.dataset.engineMs")
    if engine:
        ENGINE_TIMES.append(json.loads(engine))
    page.close()
    return ms


def wait_offline_ready(context, url: str) -> None:
    """Open the calculator once and wait for its service worker to be active."""
    page = context.new_page()
    page.goto(url)
    mark_time(page, "calc-first-score")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = page.evaluate(
            "async () => { const r = await navigator.serviceWorker.getRegistration();"
            " return r && r.active ? r.active.state : null; }"
        )
        if state == "activated":
            break
        time.sleep(0.1)
    page.close()


def boot_times(browser, url: str, mark: str, *, service_worker: bool = False):
    """Cold and warm navigation → `mark` times in a fresh context."""
    context = browser.new_context()
    cold = visit(context, url, mark)
    if service_worker:
        wait_offline_ready(context, url)
    warm = visit(context, url, mark)
    context.close()
    return cold, warm


def all_boot_times(browser, pages: dict[str, tuple[str, str, bool]], runs: int):
    """{name: (cold times, warm times)}, the pages taking turns so that changes in the
    machine's load during the benchmark affect them all alike."""
    times = {name: ([], []) for name in pages}
    for _ in range(runs):
        for name, (url, mark, service_worker) in pages.items():
            cold, warm = boot_times(browser, url, mark, service_worker=service_worker)
            times[name][0].append(cold)
            times[name][1].append(warm)
    return times


NEXT_UPDATE = """() => {
    window.__nextUpdate = new Promise((resolve) => {
        const observer = new PerformanceObserver((list) => {
            if (list.getEntriesByName("calc-update").length) {
                observer.disconnect();
                resolve();
            }
        });
        observer.observe({ type: "measure" });
    });
}"""


def update_latencies(browser, url: str) -> list[float]:
    """Milliseconds from an input event to the updated total, for EDITS edits."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    mark_time(page, "calc-first-score")
    field = page.locator('[name="si_months"]')
    for edit in range(EDITS):
        # Wait inside the page for the next measurement (a promise, not polling, which
        # would compete with the page for its main thread).
        page.evaluate(NEXT_UPDATE)
        field.fill(str(12 + edit * 5))
        page.evaluate("() => window.__nextUpdate")
    durations = page.evaluate(
        "() => performance.getEntriesByName('calc-update').map(m => m.duration)"
    )
    context.close()
    return durations


def transferred(browser, url: str, wait_mark: str | None = None) -> dict:
    """Bytes (headers + bodies) a fresh visit transfers, split page/worker vs service worker."""
    context = browser.new_context()
    sizes = {"page": 0, "service_worker": 0, "wasm": 0, "requests": 0}

    def finished(request) -> None:
        size = request.sizes()
        total = size["responseBodySize"] + size["responseHeadersSize"]
        kind = "service_worker" if request.service_worker else "page"
        sizes[kind] += total
        sizes["requests"] += 1
        if request.url.split("?")[0].endswith(".wasm"):
            sizes["wasm"] += 1

    context.on("requestfinished", finished)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    if wait_mark:
        mark_time(page, wait_mark)
        time.sleep(3)  # let the service worker's offline copy download
        page.wait_for_load_state("networkidle")
    context.close()
    return sizes


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.calculator")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per timing (median)")
    args = parser.parse_args(argv)
    runs = args.runs
    from playwright.sync_api import sync_playwright

    status = 0
    with tempfile.TemporaryDirectory() as tmp:
        dist = build_site(Path(tmp) / "dist", BASE)
        server = SiteServer(dist=dist, base=BASE)
        add_bare_pages(server, dist)
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                calc_url = server.url("calculator/#" + PROFILE_FRAGMENT)
                times = all_boot_times(browser, {
                    "bare": (server.url("__bench__/bare/"), "bare-ready", False),
                    "worker": (server.url("__bench__/worker/"), "bare-ready", False),
                    "calculator": (calc_url, "calc-first-score", True),
                }, runs)
                bare_cold, bare_warm = times["bare"]
                worker_cold, worker_warm = times["worker"]
                calc_cold, calc_warm = times["calculator"]
                updates = update_latencies(browser, calc_url)
                entry = sorted((dist / "catalogue").glob("*/*/index.html"))[0]
                entry_url = server.url(entry.parent.relative_to(dist).as_posix() + "/")
                explainer = sorted((dist / "policy").glob("*/index.html"))[0]
                explainer_url = server.url(explainer.parent.relative_to(dist).as_posix() + "/")
                pages = {
                    "catalogue entry page": transferred(browser, entry_url),
                    "home page": transferred(browser, server.url("")),
                    "explainer page": transferred(browser, explainer_url),
                }
                calc_bytes = transferred(browser, calc_url, "calc-first-score")
                browser.close()
        finally:
            server.stop()

    med = statistics.median
    print(f"runs per figure: {runs} (medians), {EDITS} edits")
    print(f"bare Pyodide boot, main thread:   cold {med(bare_cold):7.0f} ms   "
          f"warm {med(bare_warm):7.0f} ms")
    print(f"bare Pyodide boot, module worker: cold {med(worker_cold):7.0f} ms   "
          f"warm {med(worker_warm):7.0f} ms")
    print(f"calculator, navigation → first score: cold {med(calc_cold):7.0f} ms   "
          f"warm {med(calc_warm):7.0f} ms (service worker cache)")
    if ENGINE_TIMES:
        print(f"  of which, inside the worker: Pyodide boot "
              f"{med([t['boot'] for t in ENGINE_TIMES]):.0f} ms, wheel install and "
              f"import {med([t['install'] for t in ENGINE_TIMES]):.0f} ms")
    cold_ratio = med(calc_cold) / med(bare_cold)
    warm_ratio = med(calc_warm) / med(bare_warm)
    ok = cold_ratio <= FIRST_SCORE_RATIO_TARGET and warm_ratio <= FIRST_SCORE_RATIO_TARGET
    status = max(status, 0 if ok else 1)
    print(f"  ratio to bare boot (main thread): cold {cold_ratio:.2f}×, warm {warm_ratio:.2f}× "
          f"(target ≤ {FIRST_SCORE_RATIO_TARGET}×: {verdict(ok)})")
    print(f"  ratio to bare boot in a module worker: "
          f"cold {med(calc_cold) / med(worker_cold):.2f}×, "
          f"warm {med(calc_warm) / med(worker_warm):.2f}×")
    ok = med(updates) < UPDATE_MEDIAN_TARGET_MS
    status = max(status, 0 if ok else 1)
    print(f"input → updated total: median {med(updates):.1f} ms, "
          f"p95 {percentile(updates, 0.95):.1f} ms, max {max(updates):.1f} ms "
          f"(target median < {UPDATE_MEDIAN_TARGET_MS:.0f} ms: {verdict(ok)})")
    for name, sizes in pages.items():
        ok = sizes["wasm"] == 0 and sizes["page"] < PAGE_BYTES_TARGET
        status = max(status, 0 if ok else 1)
        print(f"{name}: {kb(sizes['page'])} in {sizes['requests']} requests, "
              f"{sizes['wasm']} WebAssembly (target < 60 KB, none: {verdict(ok)})")
    print(f"calculator: {kb(calc_bytes['page'])} to the first score, plus "
          f"{kb(calc_bytes['service_worker'])} for the offline copy "
          f"({calc_bytes['requests']} requests)")
    return status


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
