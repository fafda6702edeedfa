// The calculator's engine: a module Web Worker that runs the site's own `scoring` wheel
// on Pyodide, so the page never freezes and nothing the user types leaves the device.
//
// Protocol (plain JSON-compatible objects, see docs/architecture.md):
//   page → worker  {type: "init", pyodide: URL, wheel: URL, lock: {info…}}   once
//                  {type: "request", id: n, request: {op: "score", …}}
//   worker → page  {type: "progress", stage: "runtime"|"rules"}
//                  {type: "ready", ms: {start, boot, install}}
//                  {type: "response", id: n, text: "{\"ok\": …}", ms: number}  (bridge reply text)
//                  {type: "failed", message: "…"}
// Requests that arrive before the engine is ready wait in a queue and are answered in order.

let handle = null; // scoring.bridge.handle once loaded
const queue = [];
let failed = false;

function post(message) {
  self.postMessage(message);
}

function fail(error) {
  if (failed || handle) return;
  failed = true;
  post({ type: "failed", message: String(error && error.message ? error.message : error) });
}

// Pyodide does not always reject when one of its files fails to download (a missing
// WebAssembly binary leaves loadPyodide() pending forever), so watch the worker's fetches and
// report the first failure at once instead of showing "loading" for ever.
const networkFetch = self.fetch.bind(self);
self.fetch = async (resource, options) => {
  try {
    const response = await networkFetch(resource, options);
    if (!response.ok) fail(`${response.url || resource}: HTTP ${response.status}`);
    else keepForServiceWorker(response);
    return response;
  } catch (error) {
    fail(error);
    throw error;
  }
};

// Download once (docs/architecture.md, contract 4): a copy of each engine file fetched from
// the network goes to Cache Storage "calc-prefetch", keyed by its absolute URL, where the
// site's service worker takes it (checking its SHA-256) instead of downloading it again.
// A file some cache already holds (the service worker's, on a repeat visit) is not copied.
const PREFETCH = "calc-prefetch";
function keepForServiceWorker(response) {
  const url = response.url;
  if (!self.caches || !url || new URL(url).origin !== self.location.origin) return;
  const copy = response.clone();
  (async () => {
    if (await self.caches.match(url)) return;
    await (await self.caches.open(PREFETCH)).put(url, copy);
  })().catch(() => {}); // no storage (private mode, quota): the service worker downloads it
}

function answer({ id, request }) {
  const started = performance.now();
  let text;
  try {
    // The bridge takes and returns JSON text: one plain data boundary between JS and Python.
    // The reply goes to the page as text too: cheaper to pass than a cloned object tree.
    text = handle(JSON.stringify(request));
  } catch (error) {
    // The bridge turns every bad input into {ok: false}; reaching this is a bug, not user error.
    text = JSON.stringify({ ok: false, error: { field: null,
      message_zh: "计算时出现内部错误，请刷新页面重试。", message_en: String(error) } });
  }
  post({ type: "response", id, text, ms: performance.now() - started });
}

async function start({ pyodide: pyodideURL, wheel: wheelURL, lock }) {
  const t0 = performance.now();
  post({ type: "progress", stage: "runtime" });
  // Fetch the wheel while Pyodide boots: it is small, and waiting for it later would add a
  // round trip to the time before the first score.
  const wheelBytes = fetch(wheelURL, { credentials: "same-origin" }).then((r) => {
    if (!r.ok) throw new Error(`wheel: HTTP ${r.status}`);
    return r.arrayBuffer();
  });
  const { loadPyodide } = await import(new URL("pyodide.mjs", pyodideURL).href);
  const pyodide = await loadPyodide({
    indexURL: pyodideURL,
    // Our wheel is the only package, so an empty lock file saves fetching Pyodide's 120 KB one.
    lockFileContents: JSON.stringify({ info: lock, packages: {} }),
    // Keep Python's output off the page; it would only ever be debugging noise.
    stdout: () => {},
    stderr: (line) => console.warn(line),
  });
  const t1 = performance.now();
  post({ type: "progress", stage: "rules" });
  // unpackArchive extracts into the working directory unless told otherwise; a wheel belongs
  // in site-packages, where pip would put it. (Read from sys.path: importing sysconfig, or
  // importlib.metadata for the version, would add a third of a second to every start.)
  const sitePackages = pyodide.runPython(
    "import sys; next(p for p in sys.path if p.endswith('site-packages'))",
  );
  pyodide.unpackArchive(await wheelBytes, "wheel", { extractDir: sitePackages });
  handle = pyodide.pyimport("scoring.bridge").handle;
  const t2 = performance.now();
  // Times from the worker's start: when it began, Pyodide booted, the rules were ready.
  post({ type: "ready", ms: { start: t0, boot: t1 - t0, install: t2 - t1 } });
  while (queue.length) answer(queue.shift());
}

self.addEventListener("message", (event) => {
  const message = event.data;
  if (message.type === "init") {
    start(message).catch(fail);
  } else if (message.type === "request") {
    if (handle) answer(message);
    else queue.push(message);
  }
});
