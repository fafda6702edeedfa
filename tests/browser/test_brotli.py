"""A first visit downloads the WebAssembly binary as its brotli copy (2.8 MB instead of the
3.5 MB a gzip-on-the-fly host sends) and the worker unpacks it with a small decoder as it
arrives. Whatever goes wrong with that, the visitor still gets a score or a plain error: a
decoder that cannot start falls back to the binary itself, a host that decoded the copy on the
way is understood, and a copy that does not unpack fails visibly instead of hanging."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.calc import READY_TIMEOUT_MS, fragment_params, poll, wait_for_total
from tests.browser.test_offline import wait_until_engine_cached, worker_engine

pytestmark = pytest.mark.browser

FRAGMENT = "age=30&education=master"
PROFILE = {"age": 30, "education": "master"}


# The worker's byte counts while it downloads (received, expected), as the page gets them.
RECORD_PROGRESS = """
window.__progress = [];
const NativeWorker = window.Worker;
window.Worker = function (...args) {
  const worker = new NativeWorker(...args);
  worker.addEventListener("message", ({ data }) => {
    if (data && data.type === "progress") window.__progress.push([data.stage, data.expected]);
  });
  return worker;
};
window.Worker.prototype = NativeWorker.prototype;
"""


def served(site, suffix: str) -> int:
    return sum(1 for r in site.requests if r.method == "GET" and r.path.endswith(suffix))


@pytest.mark.parametrize("missing", [
    pytest.param("**/brotli_dec_wasm_bg.wasm", id="decoder"),
    # A host or deploy tool that leaves .br files out: the binary is there all the same.
    pytest.param("**/pyodide.asm.wasm.br", id="brotli-copy"),
])
def test_without_the_decoder_or_the_copy_the_binary_itself_is_downloaded(context, site, missing):
    before_binary = served(site, "/pyodide.asm.wasm")
    context.route(missing, lambda route: route.fulfill(status=404))
    page = context.new_page()
    page.goto(site.url("calculator/#" + FRAGMENT))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(page, PROFILE)
    assert served(site, "/pyodide.asm.wasm") == before_binary + 1


def test_a_host_that_decodes_the_copy_on_the_way_is_understood(context, site):
    # Some hosts send a .br file with Content-Encoding: br, so the browser hands the worker the
    # binary itself; the worker must pass it on rather than unpack it again.
    binary = next(site.dist.glob("pyodide/*/pyodide.asm.wasm")).read_bytes()
    context.route("**/pyodide.asm.wasm.br", lambda route: route.fulfill(
        status=200, body=binary, headers={"Content-Type": "application/octet-stream"}))
    context.add_init_script(script=RECORD_PROGRESS)
    page = context.new_page()
    page.goto(site.url("calculator/#" + FRAGMENT))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(page, PROFILE)
    # The bytes that arrive are the whole binary's: the total the page shows grows to match
    # before they are counted, so the download is not called done while files still arrive.
    engine = worker_engine(site.dist)
    whole = sum(engine["bytes"].values()) + engine["bytes_brotli"]["brotli"]
    progress = page.evaluate("() => window.__progress")
    done = next(expected for stage, expected in progress if stage == "start")
    assert done in {whole, whole + engine["snapshot_bytes"]}, (progress, whole)


def test_a_copy_that_does_not_unpack_fails_plainly(context, site):
    packed = next(site.dist.glob("pyodide/*/pyodide.asm.wasm.br")).read_bytes()
    # Damaged in the middle, as by a proxy that rewrote part of it.
    middle = len(packed) // 2
    damaged = packed[:middle] + bytes(255 - b for b in packed[middle:middle + 4096]) + \
        packed[middle + 4096:]
    context.route("**/pyodide.asm.wasm.br", lambda route: route.fulfill(
        status=200, body=damaged, headers={"Content-Type": "application/octet-stream"}))
    page = context.new_page()
    page.goto(site.url("calculator/#" + FRAGMENT))
    root = page.locator("#calculator")
    expect(root).to_have_attribute("data-engine", "failed", timeout=READY_TIMEOUT_MS)
    expect(page.locator("#calc-status-text")).to_contain_text("计算引擎未能启动")
    expect(page.get_by_role("button", name="重试")).to_be_visible()
    # The form still works without the engine.
    page.locator('[name="age"]').fill("31")
    poll(lambda: fragment_params(page) == {"age": "31", "education": "master"})


def test_after_reading_other_pages_the_calculator_downloads_the_brotli_copy(context, site):
    # A visitor who read an explainer first: the service worker controls the calculator page
    # (so it preloads nothing) but holds no engine yet. The worker asks for the binary on this
    # device only, finds none and downloads its brotli copy, as a first visit does.
    page = context.new_page()
    page.goto(site.url("policy/"))
    poll(lambda: page.evaluate("() => !!navigator.serviceWorker.controller"), timeout=60)
    assert not page.evaluate(
        "async () => (await caches.keys()).some((name) => name.includes(' engine '))")
    binary, packed = served(site, "/pyodide.asm.wasm"), served(site, "/pyodide.asm.wasm.br")
    page.goto(site.url("calculator/#" + FRAGMENT))
    assert page.evaluate("() => !!navigator.serviceWorker.controller")
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(page, PROFILE)
    assert served(site, "/pyodide.asm.wasm.br") == packed + 1
    # The service worker keeps the worker's unpacked copy: the binary itself is never sent.
    wait_until_engine_cached(page, site.dist)
    assert served(site, "/pyodide.asm.wasm") == binary

    # The next visit reads the binary from the service worker's cache: nothing downloaded.
    again = context.new_page()
    again.goto(site.url("calculator/#" + FRAGMENT))
    expect(again.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(again, PROFILE)
    assert served(site, "/pyodide.asm.wasm.br") == packed + 1
    assert served(site, "/pyodide.asm.wasm") == binary
