// The calculator's engine: a module Web Worker that runs the site's own `scoring` wheel
// on Pyodide, so the page never freezes and nothing the user types leaves the device.
//
// The builder fills in ENGINE (below): where the runtime, the precompiled standard library,
// the precompiled wheel and the memory snapshot are (relative to this file), their sizes, and
// Pyodide's lock `info`. So every download starts the moment this module runs, without
// waiting for the page.
//
// Two ways to start (site_builder/snapshot.py):
// - from the memory snapshot, when this device already holds it (the service worker keeps it
//   with the engine after the calculator's first run, and a gunzipped copy of it, read first):
//   Pyodide restores the heap the build saved after importing the engine, skipping Python's
//   start-up and every import;
// - on a first visit, from the snapshot too when the connection proved fast: once the
//   standard library is in, the worker knows how fast it came; if the snapshot (2.8 MB) would
//   take less than `SNAPSHOT_WORTH_MS` more, it fetches it (the service worker then keeps this
//   copy, so it is still downloaded once) and restores it, skipping the second or more that
//   Python's start-up costs. On a slower connection (the benchmark's 20 Mbit/s phone)
//   downloading it costs more than it saves: the worker starts normally at once, and the
//   service worker downloads the snapshot after the first score, for next time.
// The snapshot file leaves out what a fresh instance of the WebAssembly binary holds already
// (its data segments, most of which Python's start-up leaves as they were): the worker copies
// those blocks from its own instance the moment it exists (freshBlocks), and puts them in the
// snapshot once Pyodide's module is linked, before Pyodide reads it (fillFromInstance).
// If restoring fails for any reason (or takes too long), the worker says so and starts
// normally.
//
// On a first visit the page's start.js has already begun downloading the brotli copies of the
// WebAssembly binary and the standard library, the brotli decoder (see BROTLI) and the wheel
// (link preloads) and names this worker "scoring preloaded": it asks for them with
// `cache: "force-cache"`, taking what the preloads bring into the HTTP cache (joining a
// download under way) even from a host that sends no cache headers.
//
// Protocol (plain JSON-compatible objects, see docs/architecture.md):
//   page → worker  {type: "init", …}   accepted for compatibility; nothing in it is needed
//                  {type: "preloaded", url, bytes, ms}  a preload of the page has all its
//                                      bytes: how many came over the network, in how long
//                  {type: "request", id: n, request: {op: "score", …}}
//   worker → page  {type: "progress", stage: "download"|"start"|"rules",
//                   received: bytes, expected: bytes}
//                  {type: "progress", stage: "fallback"}  restoring the snapshot failed:
//                                                          starting normally instead
//                  {type: "ready", ms: {origin, start, downloaded, boot, install, steps},
//                   start: "snapshot"|"normal"|"fallback",
//                   snapshot: "unzipped copy"|"device"|"network"|null  (where it was read)}
//                  {type: "response", id: n, text: "{\"ok\": …}", ms: number}  (bridge reply text)
//                  {type: "failed", message: "…", reason: "http"|"mime"|"network"|"engine"}
// Requests that arrive before the engine is ready wait in a queue and are answered in order.

const ENGINE = "__ENGINE__";

const t0 = performance.now();
const here = self.location.href;
const at = (path) => new URL(path, here).href;
const FILES = {
  loader: at(ENGINE.pyodide + "pyodide.mjs"),
  runtime: at(ENGINE.pyodide + "pyodide.asm.mjs"),
  wasm: at(ENGINE.pyodide + "pyodide.asm.wasm"),
  wasmBrotli: ENGINE.wasm_brotli ? at(ENGINE.wasm_brotli) : null,
  stdlibBrotli: ENGINE.stdlib_brotli ? at(ENGINE.stdlib_brotli) : null,
  brotli: ENGINE.brotli ? at(ENGINE.brotli.module) : null,
  brotliWasm: ENGINE.brotli ? at(ENGINE.brotli.wasm) : null,
  stdlib: at(ENGINE.stdlib),
  wheel: at(ENGINE.wheel),
  snapshot: ENGINE.snapshot ? at(ENGINE.snapshot) : null,
  unzipped: ENGINE.snapshot_unzipped ? at(ENGINE.snapshot_unzipped) : null,
};
// A first visit fetches the snapshot when, at the rate the standard library came, it would
// take less than this (ms). Python's start-up it saves took about 1.3 s on the benchmark's
// machine (more on a phone's CPU); the rate is an underestimate (other downloads share the
// connection). The benchmark sets it to 0 (never) and to Infinity (always) in copies of this
// file, to measure both ways.
const SNAPSHOT_WORTH_MS = 1500;
// Restoring takes a fraction of a second; past this, something is wrong: start normally.
const RESTORE_TIMEOUT_MS = 20_000;
// Whether the page preloaded the files this worker fetches (start.js).
const PRELOADED = self.name.split(" ").includes("preloaded");
// A first visit (the page preloaded) downloads the WebAssembly binary and the standard library
// as their brotli copies and unpacks them here as they arrive (see PACKED), for a 0.1 MB
// decoder. A repeat visit reads the unpacked files the service worker keeps, under their own
// names (so the browser's compiled-code cache applies to the binary). Without preloads (a
// service worker controls the page) the worker asks for those first and takes the brotli
// copies when this device holds none (see localFile).
const BROTLI_POSSIBLE = !!FILES.wasmBrotli && !!FILES.brotli &&
  typeof ReadableStream === "function";
const BROTLI = PRELOADED && BROTLI_POSSIBLE;
// How long the page's preload of the standard library took to arrive, when the page says so
// (the worker, reading it from the HTTP cache, cannot time the network): waits at most this.
const PRELOAD_TIMING_WAIT_MS = 5_000;
// Contract 4 (docs/architecture.md): engine files this worker fetched from the network go
// into this cache, so the service worker's install copies them instead of downloading again.
const PREFETCH_CACHE = "calc-prefetch";

let handle = null; // scoring.bridge.handle once loaded
const queue = [];
let failed = false;

function post(message) {
  self.postMessage(message);
}

class EngineError extends Error {
  constructor(message, reason) {
    super(message);
    this.reason = reason;
  }
}

function fail(error) {
  if (failed || handle) return;
  failed = true;
  const message = String(error && error.message ? error.message : error);
  post({ type: "failed", message, reason: (error && error.reason) || "engine" });
}

// ---- Downloads, with progress ---------------------------------------------------------

let received = 0;
// When each fetched file's last byte arrived (url → promise of a performance.now() time), for
// judging the connection's speed.
const bodyRead = new Map();
const bodyResolvers = new Map();
function expectBody(url) {
  bodyRead.set(url, new Promise((resolve) => bodyResolvers.set(url, resolve)));
}
function bodyDone(url) {
  bodyResolvers.get(url)?.(performance.now());
}
let lastProgress = 0;
// What a first visit downloads; the snapshot's bytes join it when the worker decides to fetch
// it too (snapshotIfFast), so the count never passes the total while bytes still arrive.
const firstBytes = { ...ENGINE.bytes };
// (the brotli copies in place of their files, and the decoder)
if (BROTLI) Object.assign(firstBytes, ENGINE.bytes_brotli);
let expected = Object.values(firstBytes).reduce((a, b) => a + b, 0);
let stage = "download";
const counting = []; // one promise per download: settled once all its bytes are in

function progress(force) {
  if (handle || failed) return; // the copies for the cache may still be streaming: not news
  if (stage === "download" && received >= expected) {
    stage = "start"; // every byte is in: Python starts now
    force = true;
  }
  const now = performance.now();
  if (!force && now - lastProgress < 100) return; // a few messages a second is plenty
  lastProgress = now;
  post({ type: "progress", stage, received: Math.min(received, expected), expected });
}

/** Count a response's bytes as they arrive (on a copy: the original goes to Pyodide as it
 * came from the network or the cache, which keeps the browser's compiled-WebAssembly cache
 * usable), and keep the copy in Cache Storage for the service worker when no cache already
 * holds the file. The copy is read as fast as the network delivers, so the count is the
 * download's real progress. */
async function countAndKeep(url, response, { count = true, keep: keepAs = url, inspect } = {}) {
  const reader = response.clone().body.getReader();
  const keep = (async () => {
    try {
      return !!keepAs && typeof caches !== "undefined" && !(await caches.match(keepAs));
    } catch {
      return false; // Cache Storage unavailable (e.g. a private window that refuses it)
    }
  })();
  const chunks = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    inspect?.(value);
    if (count) {
      received += value.byteLength;
      progress(false);
    }
    chunks.push(value);
  }
  bodyDone(url);
  if (!(await keep)) return;
  const copy = new Response(new Blob(chunks), { status: response.status, headers: response.headers });
  try {
    await (await caches.open(PREFETCH_CACHE)).put(keepAs, copy);
  } catch {
    // Out of quota and the like: the service worker downloads the file itself.
  }
}

/** Fetch `url` and check its response; `local`: only from a copy on this device (the service
 * worker's caches or the HTTP cache), never the network (a network error if there is none). */
function download(url, { wasm = false, preloaded = false, local = false, keep = url, inspect } = {}) {
  expectBody(url);
  // Never stale: the files' names change with their contents.
  const cache = local ? { cache: "only-if-cached", mode: "same-origin" }
    : preloaded && PRELOADED ? { cache: "force-cache" } : {};
  return networkFetch(url, { credentials: "same-origin", ...cache }).then(
    (response) => {
      if (!response.ok) throw new EngineError(`${url}: HTTP ${response.status}`, "http");
      const type = (response.headers.get("Content-Type") || "").split(";")[0].trim();
      if (wasm && type !== "application/wasm") {
        // Browsers refuse to compile WebAssembly served under any other type (and Pyodide
        // then waits forever): say so at once.
        throw new EngineError(`${url}: Content-Type ${type || "(none)"}`, "mime");
      }
      counting.push(countAndKeep(url, response, { keep, inspect }).catch(() => {}));
      return response;
    },
    (error) => {
      throw new EngineError(`${url}: ${error.message || error}`, "network");
    },
  );
}

// Pyodide fetches the WebAssembly binary and the standard library itself; hand it the
// downloads already under way (each once), and watch anything else it fetches.
const networkFetch = self.fetch.bind(self);
const started = new Map();
self.fetch = async (resource, options) => {
  const href = new URL(resource instanceof Request ? resource.url : String(resource), here).href;
  if (started.has(href)) {
    const response = started.get(href);
    // The binary's entry stays: a normal start after a failed restore asks again, and gets
    // the module compiled already (see instantiateStreaming below), not a second download.
    if (href !== FILES.wasm) started.delete(href);
    return response;
  }
  try {
    const response = await networkFetch(resource, options);
    if (!response.ok) fail(new EngineError(`${response.url || href}: HTTP ${response.status}`, "http"));
    return response;
  } catch (error) {
    fail(new EngineError(`${href}: ${error.message || error}`, "network"));
    throw error;
  }
};

function moduleLoaded(name) {
  received += firstBytes[name] || 0;
  progress(false);
}

// The response for the WebAssembly binary this worker hands Pyodide (every time it asks: see
// self.fetch), whether downloaded as it is or unpacked from the brotli copy (then it has no URL).
const ourWasm = new WeakSet();

// The files a first visit downloads as their brotli copies (2.8 MB instead of the 3.5 MB of
// gzip a host that compresses on the fly sends for the binary; 0.6 MB instead of 2.5 MB for
// the standard library, a zip GitHub Pages does not compress), by their ENGINE.bytes names:
// where the file and its copy are, its type, how the file itself starts.
const PACKED = {
  wasm: { url: FILES.wasm, packed: FILES.wasmBrotli, type: "application/wasm", wasm: true,
    magic: [0x00, 0x61, 0x73, 0x6d], what: "the WebAssembly binary" },
  stdlib: { url: FILES.stdlib, packed: FILES.stdlibBrotli, type: "application/zip", wasm: false,
    magic: [0x50, 0x4b, 0x03, 0x04], what: "the standard library" },
};
// What was downloaded for each of them (its URL: the copy's or the file's own), for judging the
// connection's speed by the standard library (snapshotIfFast).
const fetchedAs = {};

// The decoder (ENGINE.brotli, itself WebAssembly), started once for both files.
let decoderStart = null;
let decoderDropped = false;
function startDecoder() {
  decoderStart ??= import(FILES.brotli).then(async (module) => {
    await module.default({
      module_or_path: networkFetch(FILES.brotliWasm, { credentials: "same-origin",
        ...(PRELOADED ? { cache: "force-cache" } : {}) }),
    });
    received += firstBytes.brotli;
    progress(false);
    return module;
  });
  return decoderStart;
}

/** A file of PACKED on a first visit: its brotli copy, downloaded (counted; not kept: the
 * service worker keeps the file itself) and unpacked as it arrives by the decoder, as a
 * response Pyodide reads (the binary: compiles) while it streams in. The unpacked bytes are
 * kept for the service worker under the file's own name (its SHA-256 is checked when it
 * copies them). A host that decoded the copy on the way (it sent it with Content-Encoding:
 * br) hands over the file itself: passed on as it is. If the decoder cannot start or the copy
 * is missing, the file itself is downloaded as on a repeat visit; a copy that does not unpack
 * fails the start, visibly. */
async function brotliFile(name) {
  const file = PACKED[name];
  let module;
  try {
    module = await startDecoder();
  } catch (error) {
    if (!decoderDropped) {
      decoderDropped = true;
      expected -= firstBytes.brotli; // never coming
      console.warn("The brotli decoder did not start; downloading the files as they are.", error);
    }
    return plainFile(name);
  }
  // Bytes that start like the file itself: a host sent the copy unpacked (Content-Encoding:
  // br), so they are the file's, and the total grows to its size (told before they count).
  const seen = [];
  const inspect = (chunk) => {
    if (seen.length >= 4) return;
    seen.push(...chunk.subarray(0, 4 - seen.length));
    if (seen.length === 4 && startsLike(seen, file.magic)) {
      expected += ENGINE.bytes[name] - firstBytes[name];
    }
  };
  let packed;
  try {
    packed = await download(file.packed, { preloaded: true, keep: null, inspect });
  } catch (error) {
    // A host (or a deploy tool) that leaves .br files out, or refuses them: the file is
    // there all the same.
    if (error.reason !== "http" && error.reason !== "network") throw error;
    console.warn(`The brotli copy of ${file.what} is not available; downloading it as it is.`,
      error);
    return plainFile(name);
  }
  fetchedAs[name] = file.packed;
  const body = unbrotli(packed.body, module, file.magic);
  const response = new Response(body, { headers: { "Content-Type": file.type } });
  counting.push(countAndKeep(file.url, response, { count: false }).catch(() => {}));
  return response;
}

/** A file of PACKED when the page did not preload (a service worker controls it): the copy
 * this device holds (the service worker's, on a return visit); else a download after all, as
 * on a first visit: the brotli copy. That is a visitor who read other pages of the site before
 * opening the calculator (the service worker holds no engine yet), or a new start after a
 * failed one. */
async function localFile(name) {
  const file = PACKED[name];
  try {
    return await download(file.url, { wasm: file.wasm, local: true });
  } catch (error) {
    // Not on this device ("network": only-if-cached found nothing). Anything else (a wrong
    // type) is the file's own fault: reported.
    if (error.reason !== "network" && error.reason !== "http") throw error;
  }
  // The total counted the file itself: it becomes its brotli copy, and the decoder (once).
  recount(name, ENGINE.bytes_brotli[name]);
  if (firstBytes.brotli === undefined) {
    firstBytes.brotli = ENGINE.bytes_brotli.brotli;
    expected += firstBytes.brotli;
  }
  return brotliFile(name);
}

/** The total with `bytes` for the file `name` instead of what it counted for it. */
function recount(name, bytes) {
  expected += bytes - firstBytes[name];
  firstBytes[name] = bytes;
}

/** A file of PACKED itself, instead of its brotli copy (the total grows to its size). */
function plainFile(name) {
  recount(name, ENGINE.bytes[name]);
  fetchedAs[name] = PACKED[name].url;
  return download(PACKED[name].url, { wasm: PACKED[name].wasm, preloaded: true });
}

/** How to get a file of PACKED: as its brotli copy on a first visit, from this device or as
 * its copy without preloads, as it is where the build made no copy or nothing can unpack it. */
function packedFile(name) {
  if (!BROTLI_POSSIBLE || !PACKED[name].packed) return plainFile(name);
  return PRELOADED ? brotliFile(name) : localFile(name);
}

/** Whether `bytes` (4 or more) start with the 4 bytes of `magic`. */
function startsLike(bytes, magic) {
  return magic.every((byte, i) => bytes[i] === byte);
}

/** `body` (a brotli stream) unpacked by the decoder `module`, as a stream; passed on as it is
 * when it already starts like the file (`magic`: a host decoded it). */
function unbrotli(body, module, magic) {
  const reader = body.getReader();
  let head = null; // the first bytes, until there are enough to tell what they are
  let decided = false;
  let passThrough = false;
  let stream = null; // the decoder's state while it unpacks
  let finished = false;
  let cancelled = false;
  const OUTPUT = 1 << 20; // bytes per call at most: a chunk unpacks to several
  const release = () => {
    const state = stream;
    stream = null;
    try {
      state?.free();
    } catch {
      // After a failure inside the decoder its state may be gone already.
    }
  };
  return new ReadableStream({
    async pull(controller) {
      for (;;) {
        const { done, value } = await reader.read();
        if (cancelled) return;
        if (done) {
          const cutShort = !decided || (!passThrough && !finished);
          release();
          if (cutShort) controller.error(new Error("brotli data cut short"));
          else controller.close();
          return;
        }
        let input = value;
        if (!decided) {
          head = head ? new Uint8Array([...head, ...input]) : input;
          if (head.byteLength < 4) continue;
          input = head;
          head = null;
          decided = true;
          passThrough = startsLike(input, magic);
          if (!passThrough) stream = new module.BrotliDecStream();
        }
        if (passThrough) {
          controller.enqueue(input);
          return;
        }
        let out = 0;
        try {
          while (!finished) {
            const result = stream.dec(input, OUTPUT);
            const { buf, code } = result;
            input = input.subarray(result.input_offset);
            result.free();
            if (buf.byteLength) {
              controller.enqueue(buf);
              out += buf.byteLength;
            }
            if (code === module.BrotliStreamResultCode.ResultSuccess) finished = true;
            else if (code !== module.BrotliStreamResultCode.NeedsMoreOutput) break;
          }
        } catch (error) {
          release();
          controller.error(new Error(`brotli data does not unpack (${error})`));
          reader.cancel().catch(() => {});
          return;
        }
        if (out) return;
      }
    },
    cancel(reason) {
      cancelled = true;
      release();
      return reader.cancel(reason);
    },
  });
}

// Everything starts now, in parallel: the two JavaScript modules, the WebAssembly binary,
// the standard library and the wheel. A failure of any of them is reported at once.
const downloads = {
  loader: import(FILES.loader).then((m) => (moduleLoaded("loader"), m)),
  runtime: import(FILES.runtime).then((m) => (moduleLoaded("runtime"), m)),
  wasm: packedFile("wasm"),
  stdlib: packedFile("stdlib"),
  wheel: download(FILES.wheel, { preloaded: true }).then((r) => r.arrayBuffer()),
};
const wasmForPyodide = downloads.wasm.then((response) => (ourWasm.add(response), response));
wasmForPyodide.catch(() => {}); // reported through downloads.wasm (below)
started.set(FILES.wasm, wasmForPyodide);
started.set(FILES.stdlib, downloads.stdlib);
for (const promise of Object.values(downloads)) promise.catch(fail);
progress(true);

// The WebAssembly binary is compiled the moment its response is in (from the browser's
// compiled-code cache on a return visit: still ~100 ms of this thread), while the snapshot is
// read and Pyodide's JavaScript is set up, instead of once Pyodide asks to instantiate it.
// Pyodide calls WebAssembly.instantiateStreaming with what its fetch returned; for this
// binary it gets an instance of the module compiled here (also after a failed restore: the
// normal start instantiates the same module again). Anything else goes to the browser's own.
const compiledWasm = typeof WebAssembly.compileStreaming === "function"
  ? downloads.wasm.then((response) => WebAssembly.compileStreaming(response))
  : null;
if (compiledWasm) {
  compiledWasm.catch((error) => fail(new EngineError(`${FILES.wasm}: ${error.message || error}`,
    "engine")));
  const instantiateStreaming = WebAssembly.instantiateStreaming.bind(WebAssembly);
  WebAssembly.instantiateStreaming = async (source, imports) => {
    const response = await source;
    if (!ourWasm.has(response)) return instantiateStreaming(response, imports);
    const module = await compiledWasm;
    const instance = await WebAssembly.instantiate(module, imports);
    // Restoring a snapshot: the blocks the file left out come from this fresh instance's
    // memory, copied now, before any of the binary's code has run (see restore).
    const keep = onFreshMemory;
    onFreshMemory = null;
    try {
      keep?.(instance.exports.memory);
    } catch (error) {
      // The restore refuses the snapshot before Pyodide reads it, and the worker starts
      // normally (restore).
      console.warn("The memory snapshot could not be completed.", error);
    }
    return { module, instance };
  };
}

// While it links, Pyodide wraps each JavaScript function it puts in the function table in a
// tiny WebAssembly module of its own (Emscripten's convertJsFunctionToWasm), compiled
// synchronously: 261 compiles on every start, of 30 distinct modules (the bytes depend only
// on the function's signature). A compiled module can be instantiated any number of times, so
// this worker compiles each distinct small module once and reuses it: in a Chromium trace of a
// return visit the compiles fall from 261 to 30 (41 ms of this thread to 16, as traced).
// Anything larger than SMALL_MODULE_BYTES is compiled as before, every time.
const SMALL_MODULE_BYTES = 256;
{
  const NativeModule = WebAssembly.Module;
  const small = new Map();
  const Module = function Module(bytes, ...rest) {
    if (!new.target) return Reflect.apply(NativeModule, this, [bytes, ...rest]); // throws
    const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : bytes;
    if (rest.length || !(view instanceof Uint8Array) || view.byteLength > SMALL_MODULE_BYTES) {
      return Reflect.construct(NativeModule, [bytes, ...rest], new.target);
    }
    const key = String.fromCharCode(...view);
    let module = small.get(key);
    if (!module) {
      module = new NativeModule(view);
      small.set(key, module);
    }
    return module;
  };
  Module.prototype = NativeModule.prototype;
  for (const name of ["customSections", "exports", "imports"]) Module[name] = NativeModule[name];
  WebAssembly.Module = Module;
}

function answer({ id, request }) {
  const began = performance.now();
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
  post({ type: "response", id, text, ms: performance.now() - began });
}

// ---- Starting Python -------------------------------------------------------------------

/** The snapshot if this device holds it, else null; never throws. First the service worker's
 * gunzipped copy (read as it is: no unzipping at the start of a visit), else the gzip file it
 * keeps with the engine (checked against its SHA-256). Returns {response, gzipped, from}. */
async function localSnapshot() {
  if (!FILES.snapshot || typeof caches === "undefined") return null;
  try {
    const unzipped = FILES.unzipped && (await caches.match(FILES.unzipped));
    if (unzipped) return { response: unzipped, gzipped: false, from: "unzipped copy" };
    const gzipped = await caches.match(FILES.snapshot);
    return gzipped ? { response: gzipped, gzipped: true, from: "device" } : null;
  } catch {
    return null; // Cache Storage unavailable: start normally.
  }
}

/** Delete the service worker's gunzipped copy of the snapshot after it failed to restore (a
 * storage fault, a copy cut short): the next visit reads the gzip file, checked against its
 * SHA-256 when it was kept, and the service worker makes the copy again from it. */
async function forgetUnzippedCopy() {
  for (const name of await caches.keys()) await (await caches.open(name)).delete(FILES.unzipped);
}

/** On a first visit: the snapshot's response when the connection proved fast enough for them to
 * pay (see SNAPSHOT_WORTH_MS), else null (start normally, at once). Judged by the standard
 * library: its zip (about 1 MB, never recompressed by hosts) is the first large file in,
 * while the WebAssembly binary is still streaming into its compiler, so deciding costs a
 * normal start no time. Its rate, sharing the connection with the other downloads, is less
 * than the connection's: an estimate on the safe side (on the benchmark's 20 Mbit/s phone
 * about 1.5 KB/ms, half of what the snapshot needs; on loopback 8–50 KB/ms). */
async function snapshotIfFast() {
  if (!FILES.snapshot || !(SNAPSHOT_WORTH_MS > 0) || self.navigator.connection?.saveData) {
    return null;
  }
  let doneAt;
  let url; // what came over the network: the standard library or its brotli copy
  try {
    await downloads.stdlib;
    url = fetchedAs.stdlib ?? FILES.stdlib;
    doneAt = await bodyRead.get(url);
  } catch {
    return null; // a failed download is reported already
  }
  // Bytes per millisecond, from the network's own times (Resource Timing): from the first byte
  // to the last, as sent. Not until this thread had read them: it is busy compiling the
  // runtime meanwhile, and on loopback that alone made a fast connection look slow half the
  // time. Not from the request either: waiting for a reply does not grow with a file's size.
  // When this worker read the file from the HTTP cache (the page's preload), the page's own
  // Resource Timing entry says it: a preload done before this worker ran reads from the cache
  // at once, which would make any connection look fast.
  const own = performance.getEntriesByName(url).at(-1);
  const timing = own && own.transferSize > 0
    ? { bytes: own.transferSize, ms: own.responseEnd - own.responseStart }
    : PRELOADED ? await pageTiming(url) : null;
  const rate = timing && timing.bytes > 0 && timing.ms > 0
    ? timing.bytes / timing.ms
    : firstBytes.stdlib / Math.max(1, doneAt - t0);
  if (ENGINE.snapshot_bytes / rate >= SNAPSHOT_WORTH_MS) return null;
  expected += ENGINE.snapshot_bytes;
  progress(true);
  try {
    // Through download(): counted, and kept for the service worker (fetched once). Gzip data,
    // unless a host decoded it on the way (inflate looks).
    return { response: await download(FILES.snapshot), gzipped: null, from: "network" };
  } catch {
    return null; // start normally; the failure is not the engine's
  }
}

// The page's timings of its preloads (url → {bytes, ms}), and who waits for one.
const preloadTimings = new Map();
const preloadWaiters = new Map();
function preloadArrived({ url, bytes, ms }) {
  if (typeof url !== "string") return;
  preloadTimings.set(url, { bytes: Number(bytes) || 0, ms: Number(ms) || 0 });
  preloadWaiters.get(url)?.();
}

/** The page's timing of its preload of `url`, or null if it has not said within
 * PRELOAD_TIMING_WAIT_MS (a preload that failed: this worker fetched the file itself). */
async function pageTiming(url) {
  if (!preloadTimings.has(url)) {
    await new Promise((resolve) => {
      preloadWaiters.set(url, resolve);
      setTimeout(resolve, PRELOAD_TIMING_WAIT_MS);
    });
  }
  return preloadTimings.get(url) ?? null;
}

/** The snapshot from its response, unzipped and unpacked while it is read (from Cache Storage
 * or the network): reading and unzipping overlap instead of taking turns. The build packs the
 * snapshot without its blocks of zeros and those a fresh instance of the binary holds
 * (site_builder/snapshot.py: a bitmap of the blocks kept, then those blocks) and gzips it.
 * `gzipped`: whether the bytes are gzip data (false for the service worker's gunzipped copy);
 * null to tell by gzip's magic number (from the network, where a host may have decoded them
 * already). Only the 8.4 MB of blocks kept are unzipped, not the 31 MB of the whole snapshot,
 * and they go straight to their places in
 * `out`, a buffer of its size (ENGINE.snapshot_size, from the build; blocks of
 * ENGINE.snapshot_block bytes), zero when allocated. Resolves once every block of the file is in,
 * to the bitmap of the blocks it held (the others: see fillFromInstance). */
async function inflate(response, gzipped, out) {
  if (gzipped === false) {
    // Nothing to unzip (the service worker's copy). As a Blob the body is a handle to what
    // Cache Storage holds, nothing read yet; a FileReaderSync then reads it in one go (10-30
    // ms for the 8.4 MB on the benchmark's machine), where arrayBuffer() needs a turn of this
    // thread for each chunk and, with Pyodide setting itself up meanwhile, took 0.2-0.5 s.
    const blob = await response.blob();
    const unpack = unpacker(out);
    unpack.push(new Uint8Array(typeof FileReaderSync === "function"
      ? new FileReaderSync().readAsArrayBuffer(blob)
      : await blob.arrayBuffer()));
    return unpack.finish();
  }
  const reader = response.body.getReader();
  // Enough of the start to see gzip's magic number (one chunk, in practice).
  const head = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const { done, value } = await reader.read();
    if (done) break;
    head.push(value);
    headBytes += value.byteLength;
  }
  const first = head.length === 1 ? head[0] : new Uint8Array(await new Blob(head).arrayBuffer());
  const body = new ReadableStream({
    start(controller) {
      controller.enqueue(first);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  const unzip = gzipped ?? (first[0] === 0x1f && first[1] === 0x8b);
  const packed = (unzip ? body.pipeThrough(new DecompressionStream("gzip")) : body).getReader();
  const unpack = unpacker(out);
  for (;;) {
    const { done, value } = await packed.read();
    if (done) break;
    try {
      unpack.push(value);
    } catch (error) {
      await packed.cancel();
      throw error;
    }
  }
  return unpack.finish();
}

/** Puts the packed snapshot's bytes (see inflate), given in pieces of any size, in their
 * places in `out`: push(piece) for each in order, then finish(), which returns the bitmap (the
 * blocks it holds). Both throw when the bytes do not fit the snapshot the build described. */
function unpacker(out) {
  const size = ENGINE.snapshot_size;
  const blocks = Math.ceil(size / ENGINE.snapshot_block);
  const bitmap = new Uint8Array(Math.ceil(blocks / 8));
  let bitmapFilled = 0;
  const kept = []; // the numbers of the blocks that follow the bitmap, in order
  let next = 0; // index into kept of the block being filled
  let filled = 0; // bytes of it filled so far
  return {
    push(piece) {
      let chunk = piece;
      if (bitmapFilled < bitmap.length) {
        const take = Math.min(bitmap.length - bitmapFilled, chunk.byteLength);
        bitmap.set(chunk.subarray(0, take), bitmapFilled);
        bitmapFilled += take;
        chunk = chunk.subarray(take);
        if (bitmapFilled < bitmap.length) return;
        for (let block = 0; block < blocks; block++) {
          if (bitmap[block >> 3] & (1 << (block & 7))) kept.push(block);
        }
      }
      while (chunk.byteLength) {
        if (next >= kept.length) throw new Error("snapshot longer than the build said");
        const at = kept[next] * ENGINE.snapshot_block;
        const length = Math.min(ENGINE.snapshot_block, size - at);
        const take = Math.min(length - filled, chunk.byteLength);
        out.set(chunk.subarray(0, take), at + filled);
        filled += take;
        chunk = chunk.subarray(take);
        if (filled === length) {
          next += 1;
          filled = 0;
        }
      }
    },
    finish() {
      if (bitmapFilled < bitmap.length || next < kept.length) {
        throw new Error("snapshot shorter than the build said");
      }
      return bitmap;
    },
  };
}

// Set while a restore waits for Pyodide to instantiate the binary (see the instantiateStreaming
// override above): keeps what the snapshot needs from the fresh instance's memory.
let onFreshMemory = null;

/** A copy of what a fresh instance of the binary holds in its memory's first
 * ENGINE.snapshot_initial_blocks blocks (the snapshot's blocks, counted from its start: the
 * snapshot is a header of ENGINE.snapshot_heap_offset bytes, then the memory), taken before
 * any of the binary's code has run. Past those blocks a fresh instance holds only zeros. */
function freshBlocks(memory) {
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("no memory to copy from");
  const length = ENGINE.snapshot_initial_blocks * ENGINE.snapshot_block - ENGINE.snapshot_heap_offset;
  if (length > memory.buffer.byteLength) throw new Error("memory smaller than the build's");
  return new Uint8Array(memory.buffer, 0, length).slice();
}

/** Copy into `out`, the unpacked snapshot, the blocks its file left out because a fresh
 * instance of the binary holds them (site_builder/snapshot.py): among the first
 * ENGINE.snapshot_initial_blocks blocks, each the bitmap clears, from `fresh` (freshBlocks).
 * The others it left out are zeros, as `out` is already. */
function fillFromInstance(out, bitmap, fresh) {
  const offset = ENGINE.snapshot_heap_offset;
  const size = ENGINE.snapshot_block;
  const blocks = ENGINE.snapshot_initial_blocks;
  for (let block = 0; block < blocks; block++) {
    if (bitmap[block >> 3] & (1 << (block & 7))) continue;
    const start = Math.max(block * size, offset); // (the header is always in the file)
    const end = Math.min((block + 1) * size, out.length);
    out.set(fresh.subarray(start - offset, end - offset), start);
  }
}

/** Start Pyodide; with a snapshot (its bytes), `complete` (async) runs once Pyodide's module
 * exists and before Pyodide reads the snapshot: it finishes filling the bytes in, or throws,
 * and then Pyodide, which has used none of them yet, fails. */
async function boot(snapshot, complete) {
  const { loadPyodide } = await downloads.loader;
  const create = (await downloads.runtime).default;
  // Pyodide asks for the snapshot first, but needs only its length (the memory's size) until
  // its module is instantiated and linked: about a quarter of a second of this thread that
  // reading the snapshot from Cache Storage, done mostly by the browser, need not wait for.
  const createPyodideModule = complete
    ? async (settings) => {
      const module = await create(settings);
      await complete();
      return module;
    }
    : create;
  return loadPyodide({
    indexURL: at(ENGINE.pyodide),
    // With a snapshot this must be the very zip it was made with (its index is in the heap):
    // both come from the same build.
    stdLibURL: FILES.stdlib,
    createPyodideModule,
    // Our wheel is the only package, so an empty lock file saves fetching Pyodide's 120 KB one.
    lockFileContents: JSON.stringify({ info: ENGINE.lock, packages: {} }),
    // Keep Python's output off the page; it would only ever be debugging noise.
    stdout: () => {},
    stderr: (line) => console.warn(line),
    ...(snapshot ? { _loadSnapshot: snapshot } : {}),
  });
}

/** The wheel as one file on sys.path (site_builder/wheel.py): Python imports the engine from
 * the zip, as it imports the standard library, and reads the rule files from it. One file
 * written instead of 44 unpacked (about 150 ms of a phone's start). After a restore the engine
 * is imported already, but the file system is not part of the heap: the file goes back to the
 * path the heap's sys.path and zipimport's index of it name. Then the bridge's entry point. */
async function install(pyodide) {
  pyodide.FS.writeFile(ENGINE.wheel_path, new Uint8Array(await downloads.wheel));
  const path = JSON.stringify(ENGINE.wheel_path);
  pyodide.runPython(`import sys\nif ${path} not in sys.path: sys.path.append(${path})`);
  return pyodide.pyimport("scoring.bridge").handle;
}

/** Restore the snapshot (a response) and install the wheel; rejects on failure or after the
 * timeout. The snapshot is read while Pyodide sets itself up (see boot). */
function restore(snapshot) {
  let timer;
  let abandoned = false; // timed out: the normal start goes on without this restore
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      abandoned = true;
      reject(new Error("restoring took too long"));
    }, RESTORE_TIMEOUT_MS);
  });
  const restored = (async () => {
    const bytes = new Uint8Array(ENGINE.snapshot_size);
    const read = inflate(snapshot.response, snapshot.gzipped, bytes).then((bitmap) => {
      steps.unzipped = performance.now() - t0;
      return bitmap;
    });
    read.catch(() => {}); // (a failure surfaces in complete, once Pyodide's module exists)
    let fresh = null;
    onFreshMemory = (memory) => {
      fresh = freshBlocks(memory);
    };
    const complete = async () => {
      const bitmap = await read;
      // Given up on meanwhile: nothing more for this instance.
      if (abandoned) throw new Error("restoring took too long");
      // Without the fresh instance's blocks (Pyodide instantiated the binary some other way,
      // or copying them failed) the heap would have holes: refused, and the worker starts
      // normally.
      if (!fresh) throw new Error("the snapshot could not be completed from a fresh instance");
      fillFromInstance(bytes, bitmap, fresh);
    };
    const pyodide = await boot(bytes, complete);
    steps.restored = performance.now() - t0;
    return install(pyodide);
  })();
  return Promise.race([restored, timeout]).finally(() => clearTimeout(timer));
}

// When each step of a start ended (ms from the worker's start), reported with "ready".
const steps = {};

async function start() {
  // A snapshot needs the instantiateStreaming override (onFreshMemory).
  const snapshot = compiledWasm && ((await localSnapshot()) || (await snapshotIfFast()));
  steps.snapshot = performance.now() - t0;
  let how = "normal";
  let t1;
  if (snapshot) {
    try {
      handle = await restore(snapshot);
      how = "snapshot";
    } catch (error) {
      // Visible on the page ("fallback"), then the normal start, which needs nothing more.
      console.warn("Restoring the engine's memory snapshot failed; starting normally.", error);
      onFreshMemory = null; // (the normal start's instance is its own)
      // Before the normal start (a few ms): once the engine is ready, the service worker makes
      // a new copy, which this must not delete.
      if (snapshot.from === "unzipped copy") await forgetUnzippedCopy().catch(() => {});
      how = "fallback";
      post({ type: "progress", stage: "fallback" });
    }
    t1 = performance.now();
  }
  if (!handle) {
    const pyodide = await boot(null);
    t1 = performance.now();
    stage = "rules";
    progress(true);
    handle = await install(pyodide);
  }
  const t2 = performance.now();
  // Times from the worker's start: when it began (from its time origin, which is comparable with
  // the page's), every byte was in (null if still copying), Python was up, the rules were ready.
  post({ type: "ready", ms: { origin: performance.timeOrigin, start: t0, downloaded, boot: t1 - t0,
    install: t2 - t1, steps },
    start: how, snapshot: snapshot ? snapshot.from : null });
  while (queue.length) answer(queue.shift());
}

// Once every byte is in, Python starts: say so (the page shows it instead of a byte count).
let downloaded = null; // ms from the worker's start until every byte was in
Promise.all(Object.values(downloads))
  .then(() => Promise.all(counting))
  .then(() => {
    downloaded = performance.now() - t0;
    if (stage === "download") {
      stage = "start";
      progress(true);
    }
  }, () => {});

start().catch(fail);

self.addEventListener("message", (event) => {
  const message = event.data;
  if (message.type === "preloaded") preloadArrived(message);
  if (message.type === "request") {
    if (handle) answer(message);
    else queue.push(message);
  }
});
