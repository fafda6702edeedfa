"""When the engine cannot start, the page says so plainly, offers a retry, and the form keeps
working; while it loads, the page shows real progress."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

import scoring
from tests.browser.calc import READY_TIMEOUT_MS, fields, fragment_params, poll, wait_for_total
from tests.browser.test_offline import first_visit_bytes, worker_engine

pytestmark = pytest.mark.browser

WATCHDOG_MS = 3000  # the page's data-watchdog-ms in the stall test: seconds, not a minute


def test_missing_runtime_is_reported_and_the_form_still_works(context, site):
    context.route("**/pyodide.asm.wasm*", lambda route: route.fulfill(status=404, body="gone"))
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "failed", timeout=READY_TIMEOUT_MS
    )
    status = page.locator("#calc-status-text")
    expect(status).to_contain_text("计算引擎未能启动")
    expect(status).to_contain_text("服务器没有提供计算引擎所需的文件")
    expect(status).to_contain_text("HTTP 404")
    expect(page.locator("#calc-progress")).to_be_hidden()
    expect(page.get_by_role("button", name="重试")).to_be_visible()
    expect(page.locator("#result-note")).to_contain_text("暂时无法计算")
    page.locator('[name="education"]').select_option("master")
    poll(lambda: fragment_params(page) == {"age": "30", "education": "master"})


def test_wasm_served_with_the_wrong_type_says_so_at_once(context, site):
    """A common server misconfiguration: .wasm as application/octet-stream. Browsers refuse to
    compile it, and Pyodide used to wait for ever; the page must name the fix. (A first visit
    reads the binary from its brotli copy, whose type does not matter; the binary itself is
    fetched when the brotli decoder cannot start, as here, and on a visit the service worker
    controls before it holds the engine.)"""
    def wrong_type(route):
        response = route.fetch()
        route.fulfill(response=response,
                      headers={**response.headers, "content-type": "application/octet-stream"})

    context.route("**/brotli_dec_wasm_bg.wasm", lambda route: route.fulfill(status=404))
    context.route("**/pyodide.asm.wasm", wrong_type)
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "failed", timeout=READY_TIMEOUT_MS
    )
    status = page.locator("#calc-status-text")
    expect(status).to_contain_text("application/wasm")
    expect(status).to_contain_text("application/octet-stream")
    expect(page.get_by_role("button", name="重试")).to_be_visible()


def with_watchdog(route, milliseconds: int) -> None:
    """Serve the calculator page with a short watchdog (its data-watchdog-ms)."""
    if not route.request.is_navigation_request():
        # The service worker's own copy of the page (it may still be fetching it while the
        # test's context closes): nothing to change there.
        route.fallback()
        return
    response = route.fetch()
    html = response.text().replace('id="calculator"',
                                   f'id="calculator" data-watchdog-ms="{milliseconds}"', 1)
    route.fulfill(response=response, body=html)


def test_a_stalled_download_gives_up_plainly_and_retry_recovers(context, site):
    stalled = []
    context.route("**/calculator/", lambda route: with_watchdog(route, WATCHDOG_MS))
    # The WebAssembly request never gets an answer: like a connection that hangs.
    context.route("**/pyodide.asm.wasm*", lambda route: stalled.append(route))
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"))
    root = page.locator("#calculator")
    # Well within the old behaviour's "still loading after 60 s".
    expect(root).to_have_attribute("data-engine", "failed", timeout=WATCHDOG_MS + 30_000)
    status = page.locator("#calc-status-text")
    expect(status).to_contain_text("没有任何加载进展")
    expect(status).to_contain_text("请检查网络连接")
    assert stalled, "the test's stall did not happen"

    # The network is back; the hung connection is gone (the page gave up on it: a real
    # browser drops it with the worker, the test's interception has to be told).
    context.unroute("**/pyodide.asm.wasm*")
    for route in stalled:
        route.abort()
    # Starting Python takes seconds without a progress message: a generous watchdog again.
    page.locator("#calculator").evaluate("(root) => { root.dataset.watchdogMs = '120000'; }")
    page.get_by_role("button", name="重试").click()
    expect(root).to_have_attribute("data-engine", "ready", timeout=READY_TIMEOUT_MS)
    expect(page.get_by_role("button", name="重试")).to_be_hidden()
    wait_for_total(page, {"age": 30})


RECORD_STATUS = """
window.__statuses = [];
new MutationObserver(() => {
  const box = document.getElementById("calc-status-text");
  if (box && window.__statuses.at(-1) !== box.textContent) window.__statuses.push(box.textContent);
}).observe(document, { subtree: true, childList: true, characterData: true });
"""


def test_loading_shows_bytes_received_of_bytes_expected(context, site, built_site):
    engine = worker_engine(built_site)
    expected_mb = f"{first_visit_bytes(engine) / 1e6:.1f}"
    # On loopback the worker also fetches the memory snapshot: its bytes join the total.
    with_snapshot_mb = f"{(first_visit_bytes(engine) + engine['snapshot_bytes']) / 1e6:.1f}"
    context.add_init_script(script=RECORD_STATUS)
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS
    )
    statuses = page.evaluate("() => window.__statuses")
    counts = [re.search(r"已下载 (\d+\.\d) MB，共 (\d+\.\d) MB", s) for s in statuses]
    counts = [(float(m.group(1)), m.group(2)) for m in counts if m]
    assert counts, statuses
    assert {total for _, total in counts} <= {expected_mb, with_snapshot_mb}, statuses
    received = [r for r, _ in counts]
    assert received == sorted(received)  # never goes backwards
    assert all(r <= float(total) for r, total in counts)  # never past the total
    assert any("正在启动计算引擎" in s for s in statuses), "\n".join(statuses)


def test_answers_out_of_range_are_pointed_out_before_the_engine_loads(context, site):
    stalled = []
    context.route("**/pyodide.asm.wasm*", lambda route: stalled.append(route))  # never loads
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"))
    age = next(f for f in fields() if f["key"] == "age")
    page.locator('[name="age"]').fill(str(age["max"] + 1))
    # In the field description's own wording (scoring/rules/fields.toml [messages]).
    wording = scoring.form_description()["messages"]["range"]
    expect(page.locator("#err-age")).to_have_text(wording.format(
        min=age["min"], max=age["max"], noun=age["noun"], value=str(age["max"] + 1)))
    expect(page.locator("#calculator")).to_have_attribute("data-state", "invalid")
    page.locator('[name="age"]').fill(str(age["max"]))
    expect(page.locator("#err-age")).to_be_hidden()
    expect(page.locator("#calculator")).to_have_attribute("data-state", "waiting")
    assert page.locator("#calculator").get_attribute("data-engine") == "loading"
    for route in stalled:
        route.abort()


def test_the_engine_starts_before_the_page_scripts_have_loaded(context, site):
    # The page's main module is held back, as on a slow connection: the engine's worker must
    # not wait for it (start.js starts it from the page's head), and the page takes the worker
    # over, with what it said meanwhile, once its modules run.
    held = []
    context.route("**/calculator/calculator.js*", lambda route: held.append(route))
    page = context.new_page()
    workers = []
    page.on("worker", lambda worker: workers.append(worker.url))
    page.goto(site.url("calculator/#age=30"), wait_until="commit")  # "load" waits for it
    # (Playwright hands over the held request only while the test calls into it.)
    poll(lambda: page.wait_for_timeout(50) or held, timeout=30)
    engine_files = ("/calculator/worker.js", "/pyodide.asm.wasm", "/python_stdlib-")
    poll(lambda: all(any(name in r.path for r in site.requests) for name in engine_files),
         timeout=60)
    assert held
    assert page.locator("#calculator").get_attribute("data-engine") == "idle"
    for route in held:
        route.continue_()
    context.unroute("**/calculator/calculator.js*")
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS
    )
    wait_for_total(page, {"age": 30})
    # One worker (engine.js takes over the one start.js created), its script
    # requested once.
    assert len(workers) == 1, workers
    assert sum("/calculator/worker.js" in r.path for r in site.requests) == 1


def test_an_engine_ready_before_the_page_script_still_counts_no_request(context, site):
    # The worker (started from the page's head) can be ready before the page's script runs;
    # then the page hears "ready" the moment it takes the worker over. Requests the page's own
    # start makes (the plan's script) come before that, not after: "本页自加载以来没有发送任何
    # 数据" must still be said, and a request made after ready must still take it away.
    held = []
    context.route("**/calculator/calculator.js*", lambda route: held.append(route))
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"), wait_until="commit")
    said_ready = ("() => !!window.calcEarlyWorker &&"
                  " window.calcEarlyWorker.events.some((e) => e.data?.type === 'ready')")
    poll(lambda: page.wait_for_timeout(50) or (held and page.evaluate(said_ready)), timeout=90)
    for route in held:
        route.continue_()
    context.unroute("**/calculator/calculator.js*")
    wait_for_total(page, {"age": 30})
    line = page.locator("#no-data-sent")
    expect(line).to_be_visible()
    assert page.locator("#calculator").get_attribute("data-requests-after-ready") == "0"
    page.evaluate("() => fetch('../robots.txt')")
    expect(line).to_be_hidden()


def test_the_engine_starts_while_the_page_is_still_being_read(context, site):
    # The worker is created by the first script of the <head>, before the parser reads on: not
    # when the browser gets round to an async module after parsing and layout (on a phone's CPU
    # that was up to a second later), and before the stylesheets, held back here, arrive.
    held = []
    context.route("**/static/site.css*", lambda route: held.append(route))
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"), wait_until="commit")
    poll(lambda: page.wait_for_timeout(50) or held, timeout=30)
    poll(lambda: any("/calculator/worker.js" in r.path for r in site.requests), timeout=30)
    for route in held:
        route.continue_()
    context.unroute("**/static/site.css*")
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS
    )
    started, parsed = page.evaluate(
        "() => [performance.getEntriesByName('calc-worker-start')[0].startTime,"
        " performance.getEntriesByType('navigation')[0].domInteractive]")
    assert started < parsed


RECORD_REQUESTS = """
window.__requests = [];
const post = Worker.prototype.postMessage;
Worker.prototype.postMessage = function (message, ...rest) {
  if (message && message.type === "request") {
    window.__requests.push([message.request.op, performance.now()]);
  }
  return post.call(this, message, ...rest);
};
"""


def test_a_linked_profile_is_scored_the_moment_the_engine_is_ready(context, site):
    # The page asks for the score of the answers in its link while the engine still starts;
    # the worker keeps the question and answers it as soon as it is ready, instead of waiting
    # for the page (whose main thread a phone keeps busy drawing) to hear so and ask then.
    context.add_init_script(script=RECORD_REQUESTS)
    held = []
    context.route("**/pyodide.asm.wasm*", lambda route: held.append(route))
    page = context.new_page()
    page.goto(site.url("calculator/#age=30&education=master"))
    poll(lambda: page.wait_for_timeout(50) or held, timeout=30)
    # Still starting (its WebAssembly held back), and the question is already asked.
    poll(lambda: page.evaluate("() => window.__requests.length"), timeout=30)
    assert page.locator("#calculator").get_attribute("data-engine") == "loading"
    # Meanwhile the total bar says what it waits for, not that the (linked) age is missing.
    expect(page.locator("#bar-state")).to_have_text("正在加载计算引擎")
    for route in held:
        route.continue_()
    context.unroute("**/pyodide.asm.wasm*")
    wait_for_total(page, {"age": 30, "education": "master"})
    requests, ready, scored = page.evaluate(
        "() => [window.__requests, performance.getEntriesByName('calc-engine-ready')[0].startTime,"
        " performance.getEntriesByName('calc-first-score')[0].startTime]")
    # One question for the first score, asked before the engine was ready: not asked again.
    before_score = [op for op, at in requests if at <= scored]
    assert before_score == ["score"], requests
    assert requests[0][1] < ready


def test_the_byte_count_catches_up_with_the_bar_when_a_download_stalls(context, site,
                                                                       built_site):
    # The line is rewritten at most once a second; when the bytes stop (the WebAssembly
    # binary held back here), it still shows the last count, the one the bar shows. The total
    # includes the memory snapshot, which a fast connection (loopback) fetches too.
    engine = worker_engine(built_site)
    total = first_visit_bytes(engine) + engine["snapshot_bytes"]
    held = []
    context.route("**/pyodide.asm.wasm*", lambda route: held.append(route))
    page = context.new_page()
    page.goto(site.url("calculator/#age=30"))
    poll(lambda: page.wait_for_timeout(50) or held, timeout=30)
    page.wait_for_timeout(2500)  # every other file is in by now (loopback)
    value, maximum, text = page.evaluate(
        "() => [document.getElementById('calc-progress').value,"
        " document.getElementById('calc-progress').max,"
        " document.getElementById('calc-status-text').textContent]")
    assert 0 < value < maximum == total
    assert f"已下载 {value / 1e6:.1f} MB，共 {total / 1e6:.1f} MB" in text, (value, text)
    for route in held:
        route.continue_()
    context.unroute("**/pyodide.asm.wasm*")
    wait_for_total(page, {"age": 30})
