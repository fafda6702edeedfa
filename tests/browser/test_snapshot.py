"""The engine's memory snapshot (site_builder/snapshot.py, worker.js): a first visit on a fast
connection downloads it with the engine and restores it; on a slow connection it starts Python
normally and never asks for the snapshot before its first score; either way the service worker
keeps one copy, downloaded once, and a gunzipped copy of it, which the next visit restores
(nothing left to unzip) and scores exactly as before; a snapshot that cannot be restored makes the
worker say so and start normally, with the same result."""

from __future__ import annotations

import gzip
import hashlib

import pytest
from playwright.sync_api import expect

from tests.browser.calc import open_calculator, poll, wait_for_total
from tests.browser.test_offline import (
    engine_manifest,
    wait_until_engine_cached,
    wait_until_offline_ready,
    wait_until_unzipped,
    worker_engine,
)
from tests.parity.unpacked import unpack

pytestmark = pytest.mark.browser

PROFILE = {"age": 38, "education": "master", "si_months": 90}
FRAGMENT = "age=38&education=master&si_months=90"


def engine_start(page) -> str:
    """How the worker started: "normal", "snapshot" or "fallback" (once it is ready)."""
    root = page.locator("#calculator")
    return poll(lambda: root.get_attribute("data-engine-start"), timeout=120)


def snapshot_source(page) -> str | None:
    """Where the worker read the snapshot it restored: "unzipped copy" (the service worker's
    gunzipped copy), "device" (the gzip file it keeps) or "network"."""
    engine_start(page)
    return page.locator("#calculator").get_attribute("data-engine-snapshot")


def snapshot_path(dist) -> str:
    paths = [path for path, _sha in engine_manifest(dist)["engine"] if "/snapshot-" in path]
    assert len(paths) == 1, paths
    return paths[0]


def shown_result(page, profile: dict) -> str:
    """The score as the page shows it (total checked against CPython's): status, total, every
    line of the breakdown and the warnings, as text. (Not the plan: it arrives later.)"""
    wait_for_total(page, profile)
    return "\n".join(page.locator(selector).inner_text() for selector in (
        "#score-status", "#score-total", "#breakdown", "#warnings-block"))


def slow_connection(context, page) -> None:
    """The benchmark's phone connection (20 Mbit/s, 40 ms) for this page and its worker."""
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    rate = 20_000_000 / 8
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 40, "downloadThroughput": rate, "uploadThroughput": rate})


def first_visit(context, site, slow: bool = False) -> dict:
    page = context.new_page()
    if slow:
        slow_connection(context, page)
    open_calculator(page, site, FRAGMENT)
    return {"page": page, "result": shown_result(page, PROFILE), "start": engine_start(page)}


def snapshot_requests(site) -> int:
    snapshot = snapshot_path(site.dist)
    return len([r for r in site.requests if r.path.split("?")[0].endswith(snapshot)])


def test_a_first_visit_on_a_fast_connection_restores_the_snapshot_fetched_once(context, site):
    first = first_visit(context, site)  # loopback: as fast as a connection gets
    assert first["start"] == "snapshot"
    assert snapshot_source(first["page"]) == "network"
    wait_until_offline_ready(first["page"])
    wait_until_engine_cached(first["page"], site.dist)
    unzipped = wait_until_unzipped(first["page"], site.dist)
    # The service worker's copy is the shipped file gunzipped, byte for byte (the worker
    # unpacks it as it unpacks what it unzips itself: see the test below).
    [(path, copy)] = engine_manifest(site.dist)["unzip"]
    kept = first["page"].evaluate(
        """async ([cache, url]) => {
            const body = await (await (await caches.open(cache)).match(url)).arrayBuffer();
            const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", body));
            return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
        }""",
        [unzipped, site.url(copy)],
    )
    shipped = (site.dist / path).read_bytes()
    assert kept == hashlib.sha256(gzip.decompress(shipped)).hexdigest()
    # The service worker kept the worker's copy: one download in all.
    assert snapshot_requests(site) == 1

    site.requests.clear()
    again = context.new_page()
    open_calculator(again, site, FRAGMENT)
    assert shown_result(again, PROFILE) == first["result"]
    assert engine_start(again) == "snapshot"
    # From this device, read as it is: nothing left to unzip at the start of the visit.
    assert snapshot_source(again) == "unzipped copy"
    assert snapshot_requests(site) == 0


def test_a_first_visit_on_a_slow_connection_starts_normally_and_the_next_restores(context,
                                                                               site):
    first = first_visit(context, site, slow=True)
    assert first["start"] == "normal"
    # Nothing asked for the snapshot before the first score: it would have cost more time on
    # this connection than it saves.
    assert snapshot_requests(site) == 0
    wait_until_offline_ready(first["page"])
    wait_until_engine_cached(first["page"], site.dist)
    wait_until_unzipped(first["page"], site.dist)
    # The service worker fetched it afterwards, once, for the next visit.
    assert snapshot_requests(site) == 1

    again = context.new_page()
    open_calculator(again, site, FRAGMENT)
    # The same answer, every line of it, from the restored heap as from a fresh start.
    assert shown_result(again, PROFILE) == first["result"]
    assert engine_start(again) == "snapshot"
    # And it keeps answering: an edit re-scores from the restored engine.
    again.locator('[name="si_months"]').fill("100")
    wait_for_total(again, {**PROFILE, "si_months": 100})


@pytest.mark.parametrize("damaged", ["unzipped copy", "device"])
def test_a_snapshot_that_cannot_be_restored_falls_back_to_a_normal_start(context, site, damaged):
    first = first_visit(context, site)
    wait_until_offline_ready(first["page"])
    engine = wait_until_engine_cached(first["page"], site.dist)
    unzipped = wait_until_unzipped(first["page"], site.dist)
    [(path, copy)] = engine_manifest(site.dist)["unzip"]
    # Damage the copy the worker reads (a storage fault, a half-written entry): not a Pyodide
    # heap. The gzip file is read only when the device has no gunzipped copy.
    cache, url, drop = ((unzipped, copy, None) if damaged == "unzipped copy"
                        else (engine, path, unzipped))
    first["page"].evaluate(
        """async ([cache, url, drop]) => {
            const bytes = new Uint8Array(4096).fill(7);
            await (await caches.open(cache)).put(url, new Response(bytes));
            if (drop) await caches.delete(drop);
        }""",
        [cache, site.url(url), drop],
    )
    messages = []
    again = context.new_page()
    again.on("console", lambda message: messages.append(message.text))
    open_calculator(again, site, FRAGMENT)
    assert shown_result(again, PROFILE) == first["result"]
    assert engine_start(again) == "fallback"
    assert snapshot_source(again) == damaged
    assert any("memory snapshot failed" in text for text in messages), messages
    expect(again.locator("#calculator")).to_have_attribute("data-engine", "ready")
    if damaged == "unzipped copy":
        # The worker dropped the bad copy and the service worker made it again from its
        # checked gzip file: the next visit restores once more.
        wait_until_unzipped(again, site.dist)
        third = context.new_page()
        open_calculator(third, site, FRAGMENT)
        assert shown_result(third, PROFILE) == first["result"]
        assert engine_start(third) == "snapshot"


FILL = "fresh = freshBlocks(memory);"


def test_a_snapshot_left_incomplete_is_refused_and_the_worker_starts_normally(context, site):
    # The blocks the file leaves out come from the binary's fresh instance. Had they not come
    # (here: copying them fails), the snapshot must be refused before Pyodide uses any of it,
    # not run Python on a heap with holes: the worker says so and starts normally, same answer.
    worker = site.dist / "calculator" / "worker.js"
    text = worker.read_text(encoding="utf-8")
    assert text.count(FILL) == 1
    path = site.base + "calculator/worker.js"
    broken = text.replace(FILL, 'throw new Error("no fresh instance (test)");')
    site.extra[path] = (broken.encode(), "text/javascript")
    messages = []
    try:
        page = context.new_page()
        page.on("console", lambda message: messages.append(message.text))
        open_calculator(page, site, FRAGMENT)  # loopback: fetches the snapshot, as it is fast
        shown_result(page, PROFILE)
        assert engine_start(page) == "fallback"
        assert snapshot_source(page) == "network"
    finally:
        del site.extra[path]
    assert any("could not be completed" in text for text in messages), messages
    # Refused before Pyodide read the snapshot (it would have copied it into its memory).
    assert any("memory snapshot failed" in text
               and "could not be completed from a fresh instance" in text
               for text in messages), messages
    # And it keeps answering, from the engine it started normally.
    page.locator('[name="si_months"]').fill("100")
    wait_for_total(page, {**PROFILE, "si_months": 100})


# A copy of worker.js that also keeps the SHA-256 of the snapshot it unpacked and completed
# from the binary's fresh instance (what Pyodide then copies into its memory), for the test.
COMPLETED = "fillFromInstance(bytes, bitmap, fresh);"
KEEP_DIGEST = COMPLETED + """
      crypto.subtle.digest("SHA-256", bytes).then((digest) => {
        self.__unpackedSha256 = Array.from(new Uint8Array(digest),
          (byte) => byte.toString(16).padStart(2, "0")).join("");
      });"""


def test_the_worker_unpacks_exactly_the_snapshot_the_build_made(context, site):
    # The file holds only the snapshot's blocks that a fresh instance of the binary does not
    # hold already, gzipped; the worker puts each block back in its place and copies the others
    # from its own instance. Any byte out of place would corrupt Python's heap: what it hands
    # Pyodide must be, byte for byte, the snapshot Pyodide made at build time.
    worker = site.dist / "calculator" / "worker.js"
    text = worker.read_text(encoding="utf-8")
    assert text.count(COMPLETED) == 1
    path = site.base + "calculator/worker.js"
    site.extra[path] = (text.replace(COMPLETED, KEEP_DIGEST).encode(), "text/javascript")
    try:
        page = first_visit(context, site)["page"]  # loopback: restores the snapshot
        assert engine_start(page) == "snapshot"
        unpacked = poll(lambda: next((w.evaluate("() => self.__unpackedSha256")
                                      for w in page.workers), None))
    finally:
        del site.extra[path]
    heap = built_snapshot()
    assert heap.filename in snapshot_path(site.dist)  # the one the site ships
    assert unpacked == heap.raw_sha256
    # The file alone (its blocks, zeros elsewhere) is not the snapshot: the instance's part counts.
    shipped = (site.dist / snapshot_path(site.dist).lstrip("/")).read_bytes()
    alone = unpack(gzip.decompress(shipped), worker_engine(site.dist)["snapshot_size"])
    assert hashlib.sha256(alone).hexdigest() != heap.raw_sha256


def built_snapshot():
    """The build's record of the snapshot the site ships (from the build's cache: same inputs)."""
    from site_builder.snapshot import snapshot
    from tests.parity.test_parity import engine_inputs

    return snapshot(*engine_inputs())
