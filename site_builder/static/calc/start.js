// Starts the engine's worker the moment the page can, before the page's stylesheets, its first
// layout and its modules: the worker begins every engine download at once (worker.js), so each
// millisecond the page spends first would be added to the wait for the first score.
//
// A classic script, inline as the first script of the <head> (the build puts it there, and the
// page's CSP allows it by its SHA-256: site_builder/calculator.py, start_script): the parser
// runs it the moment it reaches it. Linked as a file, it waited for its own round trip and then
// for a turn of the page's thread: on the benchmark's phone profile the preloads began about
// 120 ms later; an `async` module ran 400–900 ms later still. It must never contain the
// characters that would end or open a script element or a comment (the build refuses them).
//
// On a first visit (no service worker controls the page yet) it also starts the files the
// engine's worker fetches, as <link rel="preload"> (data-preload: the brotli copies of the
// WebAssembly binary and the standard library, the brotli decoder's WebAssembly and the
// wheel): their downloads begin now, not when the worker's code gets to run
// (0.1–0.8 s later on the benchmark's phone profile, when starting a thread waits on a busy
// page). The worker asks for the same URLs with `cache: "force-cache"` (its name says
// "preloaded"), so it takes what the preload brings into the HTTP cache, joining a download
// still under way, even from a host that sends no cache headers: each file is downloaded once.
// (The files' names change with their contents.) The two JavaScript modules are not preloaded:
// a module import cannot ask for force-cache. When a preload has all its bytes, the page tells
// the worker how fast they came (`preloaded`, from Resource Timing): the worker, reading them
// from the cache, cannot see the network's pace, and judges by it whether the snapshot pays.
// On a repeat visit the service worker serves every file from its caches: nothing to preload.
//
// Until engine.js takes the worker over (`window.calcEarlyWorker`, read once), its messages and
// errors are kept here in order, then handed over.
(() => {
  /** Add a <link rel="preload"> for each of `hrefs` (space-separated) on a first visit; returns
   * the links (none when a service worker controls the page or the browser cannot preload). */
  function preload(hrefs) {
    const links = [];
    if (!hrefs || navigator.serviceWorker?.controller) return links;
    for (const href of hrefs.split(" ")) {
      const link = document.createElement("link");
      if (!link.relList?.supports?.("preload")) return links;
      link.rel = "preload";
      link.as = "fetch";
      link.crossOrigin = "anonymous"; // as the worker's fetch: same-origin credentials, CORS mode
      link.href = href;
      document.head.append(link);
      links.push(link);
    }
    return links;
  }

  const url = document.currentScript?.dataset.worker;
  if (!url || !("Worker" in window)) return;
  const preloads = preload(document.currentScript.dataset.preload);
  try {
    const worker = new Worker(url, {
      type: "module",
      name: preloads.length ? "scoring preloaded" : "scoring",
    });
    const events = [];
    const onMessage = ({ data }) => events.push({ data });
    const onError = (event) => {
      event.preventDefault(); // engine.js says what failed, in the page
      events.push({ error: event.message || "" });
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    // The worker knows its files from the build; the message only says "start".
    worker.postMessage({ type: "init" });
    for (const link of preloads) {
      link.addEventListener("load", () => {
        const entry = performance.getEntriesByName(link.href).at(-1);
        if (!entry) return;
        worker.postMessage({ type: "preloaded", url: link.href, bytes: entry.transferSize,
          ms: entry.responseEnd - entry.responseStart });
      }, { once: true });
    }
    window.calcEarlyWorker = {
      worker,
      events,
      release() {
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
      },
    };
    performance.mark("calc-worker-start");
  } catch {
    // engine.js tries again and says why it cannot
  }
})();
