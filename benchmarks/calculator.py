"""How fast the calculator starts and answers, measured in headless Chromium against the built
site, every figure a ratio to a baseline measured in the same run.

    python -m benchmarks.calculator [--runs N] [--phone-runs N] [--baseline GIT-REF ...]

With ``--baseline`` (or the environment variable ``CALC_BENCH_BASELINE``), the site as of
that git commit is built too and measured alongside, in the same browser, the sites taking
turns: previous and new figures side by side from one run. ``--baseline`` can be given more
than once (e.g. the commit an issue was filed against and the last release).

Per site, it prints:
- bare Pyodide boot (a minimal page that only loads Pyodide from the same server with the
  same loader options: on the main thread, and in a module worker), cold (fresh browser
  context) and warm (reload in the same context);
- navigation → first score on the calculator, cold and warm (warm: the service worker is
  active), and the ratios to the bare main-thread boot (target ≤ 0.5×, stretch ≤ 0.3×);
  a third visit of both (in these off-the-record contexts Chromium keeps no compiled
  WebAssembly, so none is reused: see the kept profile below);
- a phone profile (CDP: 4× CPU slowdown, 20 Mbit/s, 40 ms round trip; the server gzips like
  GitHub Pages and sends ``Cache-Control: max-age=600``): first and repeat visit against a
  bare boot in a module worker under the same conditions (CDP's CPU throttling does not reach
  workers, so worker is compared with worker; targets ≤ 0.5× first, ≤ 0.3× repeat);
  the repeat visits are also measured in a browser profile kept on disk (no target): the
  fresh contexts above are off the record, and Chromium keeps no compiled WebAssembly for
  those, so there the bare boot's repeat visit never reuses its compiled binary, while on a
  visitor's phone it does;
- a first visit with the memory snapshot always downloaded, and never (copies of worker.js
  with SNAPSHOT_WORTH_MS forced), desktop and phone: what the worker's choice is based on
  (it downloads the snapshot on a first visit only when the connection proved fast);
- how each calculator visit started ("normal", "snapshot", "fallback"): warm and third visits
  should restore the snapshot;
- files requested more than once from the server on a first visit in a fresh context,
  service-worker install included (target: none);
- bytes sent by the server up to the first score, by a gzip-on-the-fly host and by a host
  serving the precompressed files, on loopback (fast: the worker fetches the memory snapshot
  before the first score) and on the phone's connection (it does not; aim: under 5 MB for the
  precompressed host), and for the whole first visit, service worker included;
- input change → updated total over 50 edits, median and p95 (target: median under 10 ms);
- bytes of a catalogue entry page, the home page and an explainer, service worker included,
  from a plain server and as a gzip host sends them (no WebAssembly, < 60 KB as sent).

Timings are medians of several runs; each cold run uses a fresh browser context.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.pyodide_runtime import find_runtime
from tests.browser.chromium import launch, launch_profile
from tests.browser.conftest import build_site
from tests.browser.server import SiteServer

ROOT = Path(__file__).resolve().parent.parent
RUNS = 3
PHONE_RUNS = 1
EDITS = 50
FIRST_SCORE_TARGET = 0.5
FIRST_SCORE_STRETCH = 0.3
PHONE_FIRST_TARGET = 0.5
PHONE_REPEAT_TARGET = 0.3
PRECOMPRESSED_BYTES_AIM = 5_000_000
UPDATE_MEDIAN_TARGET_MS = 10.0
PAGE_BYTES_TARGET = 60 * 1024
PROFILE_FRAGMENT = "age=30&education=bachelor_degree&si_months=36"
BASE = "/guide/"
PHONE = {"cpu": 4, "latency_ms": 40, "bits_per_s": 20_000_000}

BARE_HTML = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>bare Pyodide boot</title>
<script type="module" src="bare.js"></script></head><body></body></html>
"""
# The calculator's loader options, on the main thread: nothing but Pyodide.
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
WORKER_JS = BARE_JS.replace('performance.mark("bare-ready");', 'postMessage("ready");')


@dataclass
class Site:
    """One built site under measurement and everything measured on it."""

    name: str
    dist: Path
    server: SiteServer | None = None
    times: dict[str, list[float]] = field(default_factory=lambda: collections.defaultdict(list))
    engine: list[dict] = field(default_factory=list)
    starts: dict[str, list[str]] = field(
        default_factory=lambda: collections.defaultdict(list))
    engine_by_key: dict[str, list[dict]] = field(
        default_factory=lambda: collections.defaultdict(list))
    results: dict = field(default_factory=dict)


def add_bare_pages(server: SiteServer) -> None:
    """Serve the bare-boot pages (and Pyodide's own standard library, which the site no
    longer ships) next to the site: benchmark only, never in dist."""
    runtime = find_runtime(ROOT / "node_modules")
    values = {"version": runtime.version, "lock": json.dumps(runtime.lock_info)}
    js = "text/javascript"
    folder = BASE + "__bench__/"
    server.extra.update({
        folder + "bare/": (BARE_HTML, "text/html"),
        folder + "bare/bare.js": ((BARE_JS % values).encode(), js),
        folder + "worker/": (WORKER_HTML, "text/html"),
        folder + "worker/bare-worker-page.js": (WORKER_PAGE_JS.encode(), js),
        folder + "worker/bare-worker.js": ((WORKER_JS % values).encode(), js),
        f"{BASE}pyodide/{runtime.version}/python_stdlib.zip": (
            runtime.stdlib.read_bytes(), "application/zip"),
    })


def build_baseline(ref: str, out: Path) -> Path:
    """Build the site as of git `ref` with that commit's own builder (same node_modules)."""
    tree = out.parent / "baseline-src"
    tree.mkdir()
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive.stdout, check=True)
    (tree / "node_modules").symlink_to(ROOT / "node_modules")
    subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.path.insert(0, '.'); from tests.browser.conftest import build_site; "
         f"build_site(__import__('pathlib').Path({str(out)!r}), {BASE!r})"],
        cwd=tree, check=True, env={**os.environ, "PYTHONPATH": str(tree)},
    )
    return out


def mark_time(page, name: str, timeout: float = 300.0) -> float:
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


def throttle(context, page, phone: bool) -> None:
    if not phone:
        return
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE["cpu"]})
    cdp.send("Network.enable")
    rate = PHONE["bits_per_s"] / 8
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": PHONE["latency_ms"],
        "downloadThroughput": rate, "uploadThroughput": rate,
    })


def visit(context, url: str, mark: str, site: Site | None = None, phone: bool = False,
          key: str = "") -> float:
    """Open `url` in `context`, return the time to `mark`; note how the engine started under
    `key` in `site.starts`."""
    page = context.new_page()
    throttle(context, page, phone)
    page.goto(url)
    ms = mark_time(page, mark)
    engine, how, source, origin = page.evaluate(
        "() => { const d = document.getElementById('calculator')?.dataset;"
        " return d ? [d.engineMs, d.engineStart, d.engineSnapshot, performance.timeOrigin]"
        " : [null, null, null, 0]; }")
    if how == "snapshot" and source:
        how = f"snapshot ({source})"  # where it was read: network, device or unzipped copy
    if engine:
        engine = json.loads(engine)
        if "origin" in engine:
            # When the worker's code began to run, in ms from the page's navigation (both time
            # origins are on one clock).
            engine["running"] = engine["origin"] + engine["start"] - origin
    if engine and site is not None and not phone:
        site.engine.append(engine)
    if how and site is not None and key:
        site.starts[key].append(how)
        if engine:
            site.engine_by_key[key].append(engine)
    page.close()
    return ms


ENGINE_CACHED = """async (expected) => {
    for (const name of await caches.keys()) {
        if (name.includes(" engine ") && (await (await caches.open(name)).keys()).length
            === expected) return true;
    }
    return false;
}"""


def service_worker_manifest(dist: Path) -> dict | None:
    """The site-wide service worker's manifest (None: an older site whose calculator service
    worker fills its cache at install)."""
    sw = dist / "sw.js"
    if not sw.is_file():
        return None
    found = re.search(r"^const MANIFEST = (\{.*\});$", sw.read_text(encoding="utf-8"), re.M)
    return json.loads(found.group(1)) if found else None


# Whether Cache Storage holds every key given (the service worker's gunzipped copies).
HOLDS = "async (keys) => (await Promise.all(keys.map((k) => caches.match(k)))).every(Boolean)"


def service_worker_ready(context, url: str, dist: Path) -> None:
    """Open the calculator once and wait until its service worker is active and holds the
    engine."""
    page = context.new_page()
    page.goto(url)
    mark_time(page, "calc-first-score")
    wait_engine_cached(page, dist)
    page.close()


def wait_engine_cached(page, dist: Path) -> None:
    """Wait until the page's service worker is active and holds the engine (and, on sites
    that have them, its gunzipped copies of the snapshot: a repeat visit reads those)."""
    manifest = service_worker_manifest(dist)
    # How many engine files it keeps (None: an older site, see service_worker_manifest).
    expected = len(manifest["engine"]) if manifest else None
    copies = [BASE + copy for _path, copy in (manifest or {}).get("unzip", [])]
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = page.evaluate(
            "async () => { const r = await navigator.serviceWorker.getRegistration();"
            " return r && r.active && !r.installing && !r.waiting ? r.active.state : null; }"
        )
        if state == "activated" and (expected is None
                                     or page.evaluate(ENGINE_CACHED, expected)) and (
                not copies or page.evaluate(HOLDS, copies)):
            break
        time.sleep(0.1)


def page_of(server: SiteServer, kind: str) -> tuple[str, str]:
    """The URL of the page measured as `kind` ("bare", "worker", "calculator") and the User
    Timing mark that ends its measurement."""
    return {
        "bare": (server.url("__bench__/bare/"), "bare-ready"),
        "worker": (server.url("__bench__/worker/"), "bare-ready"),
        "calculator": (server.url("calculator/#" + PROFILE_FRAGMENT), "calc-first-score"),
    }[kind]


def cold_and_warm(browser, site: Site, kind: str, phone: bool = False) -> None:
    url, mark = page_of(site.server, kind)
    prefix = "phone " if phone else ""
    context = browser.new_context()
    key = f"{prefix}{kind} cold"
    site.times[key].append(visit(context, url, mark, site, phone, key))
    if kind == "calculator":
        service_worker_ready(context, url, site.dist)
    key = f"{prefix}{kind} warm"
    site.times[key].append(visit(context, url, mark, site, phone, key))
    if not phone:
        # A third visit: compiled JavaScript is kept from the second visit on, read from the
        # third (Chromium 156, also off the record; compiled WebAssembly is not kept there).
        key = f"{kind} third"
        site.times[key].append(visit(context, url, mark, site, key=key))
    context.close()


def kept_profile_repeat(browser, site: Site, kind: str) -> None:
    """The phone profile's repeat visit in a browser profile kept on disk, as a visitor's
    phone keeps one: a first visit, then (calculator) the service worker filled, then the
    visit measured. The contexts cold_and_warm uses are off the record, where Chromium keeps
    no compiled WebAssembly from one visit to the next; here it does (the bare boot reads the
    binary's compiled code on its repeat visit; the calculator's engine never makes Chromium
    write any, see docs/architecture.md)."""
    url, mark = page_of(site.server, kind)
    with tempfile.TemporaryDirectory() as profile:
        context = launch_profile(browser.browser_type, profile)
        try:
            visit(context, url, mark, site, phone=True)
            if kind == "calculator":
                service_worker_ready(context, url, site.dist)
            key = f"phone {kind} kept profile"
            site.times[key].append(visit(context, url, mark, site, True, key))
        finally:
            context.close()


def first_visit_forced(browser, site: Site, phone: bool, worth: str, label: str) -> None:
    """A first visit whose worker decides about the memory snapshot as told: a copy of
    worker.js with SNAPSHOT_WORTH_MS set to `worth` ("Infinity": always download it, "0":
    never), served in place of the real one for this visit only."""
    worker = site.dist / "calculator" / "worker.js"
    text = worker.read_text(encoding="utf-8")
    flag = re.search(r"^const SNAPSHOT_WORTH_MS = [^;]+;$", text, re.M)
    if not flag:
        return  # a site without the choice
    path = site.server.base + "calculator/worker.js"
    forced = text.replace(flag.group(0), f"const SNAPSHOT_WORTH_MS = {worth};")
    site.server.extra[path] = (forced.encode(), "text/javascript")
    try:
        context = browser.new_context()
        key = ("phone " if phone else "") + f"calculator cold, {label}"
        url = site.server.url("calculator/#" + PROFILE_FRAGMENT)
        site.times[key].append(visit(context, url, "calc-first-score", site, phone, key))
        context.close()
    finally:
        del site.server.extra[path]


def first_visit_both_ways(browser, site: Site, phone: bool) -> None:
    first_visit_forced(browser, site, phone, "Infinity", "snapshot always")
    first_visit_forced(browser, site, phone, "0", "snapshot never")


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
    field_ = page.locator('[name="si_months"]')
    for edit in range(EDITS):
        # Wait inside the page for the next measurement (a promise, not polling, which
        # would compete with the page for its main thread).
        page.evaluate(NEXT_UPDATE)
        field_.fill(str(12 + edit * 5))
        page.evaluate("() => window.__nextUpdate")
    durations = page.evaluate(
        "() => performance.getEntriesByName('calc-update').map(m => m.duration)"
    )
    context.close()
    return durations


def first_visit_requests(browser, server: SiteServer, site_dist: Path, host: str,
                         phone: bool = False) -> dict:
    """A first visit in a fresh context, service-worker install included: bytes the server
    sent up to the first score and in all, and the files it was asked for more than once.
    `phone`: on the phone profile's connection (slow enough that the worker does not fetch the
    memory snapshot before the first score)."""
    server.host = host
    server.cache_control = "max-age=600"
    server.requests.clear()
    context = browser.new_context()
    page = context.new_page()
    throttle(context, page, phone)
    url = server.url("calculator/#" + PROFILE_FRAGMENT)
    page.goto(url)
    mark_time(page, "calc-first-score")
    first = list(server.requests)
    to_first_score = sum(r.sent for r in first)
    # The same page stays open until the service worker holds the engine: opening it again
    # would be a second visit, whose network-first check of the page is a request by design.
    wait_engine_cached(page, site_dist)
    context.close()
    # The browser's own check for a new sw.js is not a download of the engine.
    counts = collections.Counter(
        r.path for r in server.requests
        if r.method == "GET" and r.headers.get("Service-Worker") != "script")
    twice = sorted(p for p, n in counts.items() if n > 1)
    total = sum(r.sent for r in server.requests)
    server.host = None
    server.cache_control = None
    return {"bytes": to_first_score, "total": total, "twice": twice}


def page_bytes(browser, url: str, server: SiteServer | None = None,
               host: str | None = None) -> dict:
    """Bytes (headers + bodies) a fresh visit to a content page transfers, its service worker's
    background downloads included (the shell and the search index), from a server that
    compresses nothing or (`host`) like a static host."""
    if server is not None:
        server.host = host
    try:
        return _page_bytes(browser, url)
    finally:
        if server is not None:
            server.host = None


def _page_bytes(browser, url: str) -> dict:
    context = browser.new_context()
    sizes = {"page": 0, "wasm": 0, "requests": 0}

    def finished(request) -> None:
        size = request.sizes()
        sizes["page"] += size["responseBodySize"] + size["responseHeadersSize"]
        sizes["requests"] += 1
        if request.url.split("?")[0].endswith(".wasm"):
            sizes["wasm"] += 1

    context.on("requestfinished", finished)
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    context.close()
    return sizes


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def measure(browser, sites: list[Site], runs: int, phone_runs: int) -> None:
    # The sites and pages take turns, so changes in the machine's load affect them alike.
    for _ in range(runs):
        for site in sites:
            for kind in ("bare", "worker", "calculator"):
                cold_and_warm(browser, site, kind)
            first_visit_both_ways(browser, site, phone=False)
    for _ in range(phone_runs):
        for site in sites:
            site.server.host = "gzip"
            site.server.cache_control = "max-age=600"
            for kind in ("worker", "calculator"):
                cold_and_warm(browser, site, kind, phone=True)
                kept_profile_repeat(browser, site, kind)
            first_visit_both_ways(browser, site, phone=True)
            site.server.host = None
            site.server.cache_control = None
    for site in sites:
        server = site.server
        calc_url = server.url("calculator/#" + PROFILE_FRAGMENT)
        site.results["updates"] = update_latencies(browser, calc_url)
        site.results["gzip"] = first_visit_requests(browser, server, site.dist, "gzip")
        site.results["precompressed"] = first_visit_requests(
            browser, server, site.dist, "precompressed")
        site.results["phone gzip"] = first_visit_requests(
            browser, server, site.dist, "gzip", phone=True)
        site.results["phone precompressed"] = first_visit_requests(
            browser, server, site.dist, "precompressed", phone=True)
        entry = sorted((site.dist / "catalogue").glob("*/*/index.html"))[0]
        explainer = sorted((site.dist / "policy").glob("*/index.html"))[0]
        pages = {
            "catalogue entry page": server.url(
                entry.parent.relative_to(site.dist).as_posix() + "/"),
            "home page": server.url(""),
            "explainer page": server.url(explainer.parent.relative_to(site.dist).as_posix() + "/"),
        }
        site.results["pages"] = {name: page_bytes(browser, url) for name, url in pages.items()}
        site.results["pages gzip"] = {name: page_bytes(browser, url, server, "gzip")
                                      for name, url in pages.items()}


def report(sites: list[Site], runs: int, phone_runs: int) -> int:
    med = statistics.median
    status = 0
    print(f"runs per figure: {runs} (medians); phone profile: {phone_runs} run(s), "
          f"{PHONE['cpu']}× CPU, {PHONE['bits_per_s'] / 1e6:.0f} Mbit/s, "
          f"{PHONE['latency_ms']} ms, gzip on the fly; {EDITS} edits")
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, values: list[str]) -> None:
        rows.append((label, values))

    for site in sites:
        t = {name: med(values) for name, values in site.times.items()}
        r = site.results
        site.results["ratios"] = ratios = {
            "cold": t["calculator cold"] / t["bare cold"],
            "warm": t["calculator warm"] / t["bare warm"],
            "phone first": t["phone calculator cold"] / t["phone worker cold"],
            "phone repeat": t["phone calculator warm"] / t["phone worker warm"],
        }
        r["update median"] = med(r["updates"])
    label_width = 46
    header = "".join(f"{site.name:>22}" for site in sites)
    print(f"{'':{label_width}}{header}")

    def line(label: str, fn) -> None:
        print(f"{label:{label_width}}" + "".join(f"{fn(site):>22}" for site in sites))

    def ms(key: str):
        return lambda s: f"{statistics.median(s.times[key]):,.0f} ms"

    def optional_ms(key: str):
        return lambda s: (f"{statistics.median(s.times[key]):,.0f} ms" if s.times.get(key)
                          else "-")

    def kept_ratio(s: Site) -> str:
        calculator = s.times.get("phone calculator kept profile")
        bare = s.times.get("phone worker kept profile")
        return f"{med(calculator) / med(bare):.2f}×" if calculator and bare else "-"

    line("bare boot, main thread, cold", ms("bare cold"))
    line("bare boot, main thread, warm", ms("bare warm"))
    line("bare boot, module worker, cold", ms("worker cold"))
    line("bare boot, module worker, warm", ms("worker warm"))
    line("calculator → first score, cold", ms("calculator cold"))
    line("calculator → first score, warm", ms("calculator warm"))
    line("bare boot, main thread, third visit", ms("bare third"))
    line("calculator → first score, third visit", ms("calculator third"))
    line("  ratio to bare main thread, cold", lambda s: f"{s.results['ratios']['cold']:.2f}×")
    line("  ratio to bare main thread, warm", lambda s: f"{s.results['ratios']['warm']:.2f}×")
    line("  worker: Pyodide boot (median)",
         lambda s: f"{med([e['boot'] for e in s.engine]):,.0f} ms" if s.engine else "-")
    line("  worker: wheel + import (median)",
         lambda s: f"{med([e['install'] for e in s.engine]):,.0f} ms" if s.engine else "-")
    line("phone: bare worker, first visit", ms("phone worker cold"))
    line("phone: bare worker, repeat visit", ms("phone worker warm"))
    line("phone: calculator, first visit", ms("phone calculator cold"))
    line("phone: calculator, repeat visit", ms("phone calculator warm"))
    line("  ratio to bare worker, first visit",
         lambda s: f"{s.results['ratios']['phone first']:.2f}×")
    line("  ratio to bare worker, repeat visit",
         lambda s: f"{s.results['ratios']['phone repeat']:.2f}×")

    def spread(calculator: str, bare: str):
        """The lowest and highest of each run's own ratio (the calculator's visit over the bare
        boot's in the same run): how much one run's figure can move."""
        def show(s: Site) -> str:
            pairs = list(zip(s.times[calculator], s.times[bare], strict=True))
            if len(pairs) < 2:
                return "-"
            each = [c / b for c, b in pairs]
            return f"{min(each):.2f}–{max(each):.2f}×"
        return show

    line("    runs' own ratios, first visit",
         spread("phone calculator cold", "phone worker cold"))
    line("    runs' own ratios, repeat visit",
         spread("phone calculator warm", "phone worker warm"))
    # The same repeat visit in a profile kept on disk (compiled code kept): not a target,
    # shown because a visitor's phone keeps its profile.
    line("phone, kept profile: bare worker, repeat", optional_ms("phone worker kept profile"))
    line("phone, kept profile: calculator, repeat", optional_ms("phone calculator kept profile"))
    line("  ratio to bare worker, kept profile", kept_ratio)
    line("    runs' own ratios, kept profile",
         spread("phone calculator kept profile", "phone worker kept profile"))

    line("first visit, snapshot always downloaded", optional_ms("calculator cold, snapshot always"))
    line("first visit, snapshot never downloaded", optional_ms("calculator cold, snapshot never"))
    line("phone: first visit, snapshot always",
         optional_ms("phone calculator cold, snapshot always"))
    line("phone: first visit, snapshot never",
         optional_ms("phone calculator cold, snapshot never"))

    def starts(key: str):
        def show(s: Site) -> str:
            counts = collections.Counter(s.starts.get(key, []))
            return " ".join(f"{how}×{n}" for how, n in sorted(counts.items())) or "-"
        return show

    for key in ("calculator cold", "calculator warm", "calculator third",
                "phone calculator cold", "phone calculator warm",
                "phone calculator kept profile"):
        line(f"  engine started ({key.replace('calculator ', '')})", starts(key))

    def steps(key: str):
        """Median ms from the worker's start to the end of each step of a snapshot start."""
        def show(s: Site) -> str:
            found = [e["steps"] for e in s.engine_by_key.get(key, []) if e.get("steps")]
            # ("gunzipped": the name in builds before the snapshot was unzipped as it was read)
            found = [{**f, "unzipped": f.get("unzipped", f.get("gunzipped"))} for f in found]
            names = ("snapshot", "unzipped", "restored")
            if not found or not all(f.get(name) is not None for f in found for name in names):
                return "-"
            return "/".join(f"{statistics.median(f[n] for f in found):.0f}" for n in names)
        return show

    line("  warm: snapshot found/unzipped/restored (ms)", steps("calculator warm"))
    line("  phone repeat: same (ms)", steps("phone calculator warm"))
    line("  phone, kept profile: same (ms)", steps("phone calculator kept profile"))

    def running(key: str):
        """Median ms from navigation until the worker's code ran."""
        def show(s: Site) -> str:
            found = [e["running"] for e in s.engine_by_key.get(key, []) if "running" in e]
            return f"{statistics.median(found):,.0f} ms" if found else "-"
        return show

    line("  worker running after (cold)", running("calculator cold"))
    line("  worker running after (phone first)", running("phone calculator cold"))
    line("  worker running after (phone repeat)", running("phone calculator warm"))
    def mb(key: str, what: str = "bytes"):
        return lambda s: f"{s.results[key][what] / 1e6:.2f} MB" if key in s.results else "-"

    # Loopback is as fast as a connection gets: the worker fetches the snapshot before the
    # first score there. On the phone's connection it does not (it would cost time).
    line("bytes to first score, gzip on the fly", mb("gzip"))
    # Chromium accepts Brotli from 127.0.0.1 (a trustworthy origin): the .br copies are sent.
    line("bytes to first score, precompressed host", mb("precompressed"))
    line("  phone connection, gzip on the fly", mb("phone gzip"))
    line("  phone connection, precompressed host", mb("phone precompressed"))
    line("whole first visit (+ service worker), gzip", mb("gzip", "total"))
    line("whole first visit (+ service worker), precomp.", mb("precompressed", "total"))
    line("files requested twice (first visit + SW)",
         lambda s: str(len(s.results["gzip"]["twice"])))
    line("input → total, median",
         lambda s: f"{s.results['update median']:.1f} ms")
    line("input → total, p95",
         lambda s: f"{percentile(s.results['updates'], 0.95):.1f} ms")
    def kb(key: str, name: str):
        return lambda s: (f"{s.results[key][name]['page'] / 1024:.1f} KB" if key in s.results
                          else "-")

    for name in ("catalogue entry page", "home page", "explainer page"):
        line(f"{name}, plain server", kb("pages", name))
        line(f"{name}, gzip host", kb("pages gzip", name))

    current = sites[-1]
    r = current.results
    ratios = r["ratios"]
    print(f"\ntargets ({current.name}):")
    checks = [
        (f"first score ≤ {FIRST_SCORE_TARGET}× bare boot, cold and warm",
         max(ratios["cold"], ratios["warm"]) <= FIRST_SCORE_TARGET, True),
        (f"stretch: ≤ {FIRST_SCORE_STRETCH}×",
         max(ratios["cold"], ratios["warm"]) <= FIRST_SCORE_STRETCH, False),
        (f"phone first visit ≤ {PHONE_FIRST_TARGET}× bare worker",
         ratios["phone first"] <= PHONE_FIRST_TARGET, True),
        (f"phone repeat visit ≤ {PHONE_REPEAT_TARGET}× bare worker",
         ratios["phone repeat"] <= PHONE_REPEAT_TARGET, True),
        ("no file requested twice on a first visit (SW install included): "
         + (", ".join(r["gzip"]["twice"]) or "none"), not r["gzip"]["twice"], True),
        (f"precompressed bytes to first score < {PRECOMPRESSED_BYTES_AIM / 1e6:.0f} MB (aim; "
         "phone connection, where the snapshot waits)",
         r["phone precompressed"]["bytes"] < PRECOMPRESSED_BYTES_AIM, False),
        (f"input → total median < {UPDATE_MEDIAN_TARGET_MS:.0f} ms",
         r["update median"] < UPDATE_MEDIAN_TARGET_MS, True),
    ]
    # "Transfer under 60 KB": what a static host sends (GitHub Pages gzips HTML, JavaScript
    # and JSON), the service worker's background downloads included.
    for name, sizes in r["pages gzip"].items():
        checks.append((f"{name}: no WebAssembly, < 60 KB as a gzip host sends it",
                       sizes["wasm"] == 0 and sizes["page"] < PAGE_BYTES_TARGET, True))
    for text, ok, counts in checks:
        print(f"  {verdict(ok):6} {text}")
        if counts and not ok:
            status = 1
    return status


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.calculator")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs per timing (median)")
    parser.add_argument("--phone-runs", type=int, default=PHONE_RUNS,
                        help="runs of the phone profile (each takes a while)")
    parser.add_argument("--baseline", action="append",
                        help="git ref of a previous version to measure alongside (repeat for "
                             "several, oldest first)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        sites = []
        baselines = args.baseline or ([os.environ["CALC_BENCH_BASELINE"]]
                                      if os.environ.get("CALC_BENCH_BASELINE") else [])
        for number, ref in enumerate(baselines):
            out = Path(tmp) / f"baseline-{number}" / "dist"
            out.parent.mkdir()
            sites.append(Site(f"before ({ref})", build_baseline(ref, out)))
        sites.append(Site("now", build_site(Path(tmp) / "dist", BASE)))
        for site in sites:
            site.server = SiteServer(dist=site.dist, base=BASE)
            add_bare_pages(site.server)
            site.server.start()
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                measure(browser, sites, args.runs, args.phone_runs)
                browser.close()
        finally:
            for site in sites:
                site.server.stop()
    return report(sites, args.runs, args.phone_runs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
