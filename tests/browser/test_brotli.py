"""A first visit downloads the WebAssembly binary and the standard library as their brotli
copies (2.8 MB instead of the 3.5 MB a gzip-on-the-fly host sends for the binary, 0.6 MB
instead of 2.5 MB for the zip) and the worker unpacks them with a small decoder as they arrive.
Whatever goes wrong with that, the visitor still gets a score or a plain error: a decoder that
cannot start or a missing copy falls back to the file itself, a host that decoded a copy on the
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


STDLIB = "/python_stdlib-"  # the standard library's name begins so (its hash follows)


def served_file(site, name: str, copy: bool) -> int:
    """Requests for the file `name` ("/pyodide.asm.wasm" or STDLIB): its brotli copy or itself."""
    return sum(1 for r in site.requests if r.method == "GET" and name in r.path
               and r.path.endswith(".br") == copy)


@pytest.mark.parametrize("missing, plain", [
    pytest.param("**/brotli_dec_wasm_bg.wasm", ["/pyodide.asm.wasm", STDLIB], id="decoder"),
    # A host or deploy tool that leaves .br files out: the files are there all the same.
    pytest.param("**/pyodide.asm.wasm.br", ["/pyodide.asm.wasm"], id="binary-copy"),
    pytest.param("**/python_stdlib-*.zip.br", [STDLIB], id="stdlib-copy"),
])
def test_without_the_decoder_or_a_copy_the_file_itself_is_downloaded(context, site, missing,
                                                                      plain):
    before = {name: served_file(site, name, copy=False) for name in ("/pyodide.asm.wasm", STDLIB)}
    context.route(missing, lambda route: route.fulfill(status=404))
    page = context.new_page()
    page.goto(site.url("calculator/#" + FRAGMENT))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(page, PROFILE)
    for name, count in before.items():
        assert served_file(site, name, copy=False) == count + (name in plain), name


@pytest.mark.parametrize("name, role, magic", [
    pytest.param("pyodide/*/pyodide.asm.wasm", "wasm", b"\0asm", id="binary"),
    pytest.param("calculator/python_stdlib-*.zip", "stdlib", b"PK\x03\x04", id="stdlib"),
])
def test_a_host_that_decodes_the_copy_on_the_way_is_understood(context, site, name, role, magic):
    # Some hosts send a .br file with Content-Encoding: br, so the browser hands the worker the
    # file itself; the worker must pass it on rather than unpack it again.
    original = next(site.dist.glob(name)).read_bytes()
    assert original[:4] == magic
    context.route(f"**/{name.rsplit('/', 1)[-1]}.br", lambda route: route.fulfill(
        status=200, body=original, headers={"Content-Type": "application/octet-stream"}))
    context.add_init_script(script=RECORD_PROGRESS)
    page = context.new_page()
    page.goto(site.url("calculator/#" + FRAGMENT))
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(page, PROFILE)
    # The bytes that arrive are the whole file's: the total the page shows grows to match
    # before they are counted, so the download is not called done while files still arrive.
    engine = worker_engine(site.dist)
    other = "stdlib" if role == "wasm" else "wasm"
    whole = (sum(engine["bytes"].values()) + engine["bytes_brotli"]["brotli"]
             - engine["bytes"][other] + engine["bytes_brotli"][other])
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


def test_after_reading_other_pages_the_calculator_downloads_the_brotli_copies(context, site):
    # A visitor who read an explainer first: the service worker controls the calculator page
    # (so it preloads nothing) but holds no engine yet. The worker asks for the binary and the
    # standard library on this device only, finds none and downloads their brotli copies, as a
    # first visit does.
    page = context.new_page()
    page.goto(site.url("policy/"))
    poll(lambda: page.evaluate("() => !!navigator.serviceWorker.controller"), timeout=60)
    assert not page.evaluate(
        "async () => (await caches.keys()).some((name) => name.includes(' engine '))")
    names = ("/pyodide.asm.wasm", STDLIB)
    before = {(name, copy): served_file(site, name, copy) for name in names for copy in (0, 1)}
    page.goto(site.url("calculator/#" + FRAGMENT))
    assert page.evaluate("() => !!navigator.serviceWorker.controller")
    expect(page.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(page, PROFILE)
    # The service worker keeps the worker's unpacked copies: the files themselves are never
    # sent, and the next visit reads them from its cache: nothing more downloaded.
    wait_until_engine_cached(page, site.dist)
    again = context.new_page()
    again.goto(site.url("calculator/#" + FRAGMENT))
    expect(again.locator("#calculator")).to_have_attribute(
        "data-engine", "ready", timeout=READY_TIMEOUT_MS)
    wait_for_total(again, PROFILE)
    for (name, copy), count in before.items():
        assert served_file(site, name, copy) == count + copy, (name, copy)
