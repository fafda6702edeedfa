// Make and check the calculator's memory snapshot with the pinned Pyodide (build time).
//
//   node snapshot.mjs make   <pyodide dir> <job.json>
//   node snapshot.mjs verify <pyodide dir> <job.json>
//
// job.json: {"stdlib": the site's precompiled standard library, "wheel": the site's compiled
// wheel, "wheel_path": where the wheel goes inside Pyodide (site_builder/wheel.py), "snapshot":
// the snapshot file (written by make, read by verify), "initial": where make writes the
// WebAssembly memory as instantiation left it, "initial_again": where verify writes its own,
// "warmup": [bridge request texts answered before the snapshot is taken], "requests": [bridge
// request texts verify answers], "replies": where verify writes its replies (a JSON array of
// texts)}.
//
// make boots Pyodide the way the calculator's worker does (same standard library, same wheel,
// installed the same way), imports the engine, answers the warm-up requests so every module
// and cache a score and a plan need is in memory, and saves Pyodide's whole heap with its
// (private, `@ignore`d in pyodide.d.ts) `makeMemorySnapshot`. The browser restores it with
// `_loadSnapshot` and skips Python's start-up and every import.
//
// verify restores the snapshot in a fresh Pyodide exactly as the worker does (snapshot,
// standard library, then the wheel file written again: the file system is not in the heap) and
// answers `requests`; the caller compares the replies with CPython's, byte for byte.
//
// Both also write the memory a fresh instance of the WebAssembly binary has before any of its
// code runs (its data segments in place, zeros after them; trimmed after the last byte that is
// not zero): the packed snapshot leaves out the blocks still equal to it, and the worker copies
// them from its own fresh instance (site_builder/snapshot.py). Two processes must agree on it.
//
// Both print one JSON line to stdout: {"heap": bytes of the heap, "initial": bytes of the heap
// right after start-up (make only)}.
import crypto from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [mode, pyodideDir, jobPath] = process.argv.slice(2);
if (!jobPath || !["make", "verify"].includes(mode)) {
  console.error("usage: node snapshot.mjs make|verify <pyodide dir> <job.json>");
  process.exit(2);
}
const job = JSON.parse(readFileSync(jobPath, "utf8"));
const indexURL = path.resolve(pyodideDir) + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(indexURL, "pyodide.mjs")).href);
const lock = JSON.parse(readFileSync(path.join(indexURL, "pyodide-lock.json"), "utf8"));

/** The main module's memory right after its instantiation, once per process: Pyodide
 * instantiates it (WebAssembly.instantiate, from the bytes, under Node) before running any of
 * its code. */
let initialMemory = null;
const instantiate = WebAssembly.instantiate;
WebAssembly.instantiate = async function (...args) {
  const result = await instantiate.apply(this, args);
  const instance = result instanceof WebAssembly.Instance ? result : result.instance;
  const memory = instance?.exports?.memory;
  if (!initialMemory && memory instanceof WebAssembly.Memory) {
    const bytes = new Uint8Array(memory.buffer);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end -= 1;
    initialMemory = bytes.slice(0, end);
  }
  return result;
};

function writeInitialMemory(file) {
  if (!initialMemory) throw new Error("the WebAssembly memory was not seen at instantiation");
  writeFileSync(file, initialMemory);
}

const options = {
  indexURL,
  lockFileContents: JSON.stringify({ info: lock.info, packages: {} }),
  stdLibURL: path.resolve(job.stdlib),
  stdout: (line) => console.error(line),
  stderr: (line) => console.error(line),
};

/** The wheel as one file on sys.path, as the worker installs it (after a restore: the file
 * again, at the path the heap's sys.path and zipimport's index name); the bridge's handle. */
function install(pyodide) {
  pyodide.FS.writeFile(job.wheel_path, new Uint8Array(readFileSync(job.wheel)));
  const path = JSON.stringify(job.wheel_path);
  pyodide.runPython(`import sys\nif ${path} not in sys.path: sys.path.append(${path})`);
  return pyodide.pyimport("scoring.bridge").handle;
}

/** Make the heap a function of the inputs alone: the same files give the same snapshot, so
 * rebuilding an unchanged site changes no file (and returning visitors download nothing new).
 * Python's start-up stores wall-clock times (file times, import caches) and random bytes (the
 * seed of `random`, temporary names) in the heap; here they come from a fixed clock and a fixed
 * byte stream. Every visitor shares them anyway once they are in a snapshot; the engine uses
 * neither. Build time only: nothing of this reaches the browser. */
function freezeClockAndRandomness() {
  // Clocks that advance by a millisecond a reading: time still passes (file times change when
  // files are written, which the import system relies on), the same way on every build.
  let wall = Date.UTC(2026, 0, 1);
  Date.now = () => (wall += 1);
  let monotonic = 0;
  performance.now = () => (monotonic += 1);
  let state = 0x9e3779b9;
  crypto.randomFillSync = (view) => {
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      // xorshift32: deterministic bytes, nothing more is asked of them here
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      bytes[i] = state & 0xff;
    }
    return view;
  };
}

if (mode === "make") {
  freezeClockAndRandomness();
  const pyodide = await loadPyodide({
    ...options,
    _makeSnapshot: true,
    // The heap freezes the string-hash secret: a fixed one keeps the snapshot the same from
    // build to build (every visitor shares the one in the snapshot either way).
    env: { PYTHONHASHSEED: "0" },
  });
  const initial = pyodide._module.HEAP8.length;
  const handle = install(pyodide);
  for (const request of job.warmup) {
    const reply = JSON.parse(handle(request));
    if (!reply.ok) throw new Error(`warm-up request failed: ${request}: ${JSON.stringify(reply)}`);
  }
  // No JavaScript object may be referenced from Python when the heap is saved.
  handle.destroy();
  pyodide.runPython("import gc; gc.collect()");
  const heap = pyodide._module.HEAP8.length;
  writeFileSync(job.snapshot, pyodide.makeMemorySnapshot());
  writeInitialMemory(job.initial);
  process.stdout.write(JSON.stringify({ heap, initial }) + "\n");
} else {
  const pyodide = await loadPyodide({
    ...options,
    _loadSnapshot: new Uint8Array(readFileSync(job.snapshot)),
  });
  const handle = install(pyodide);
  const replies = job.requests.map((request) => handle(request));
  writeFileSync(job.replies, JSON.stringify(replies));
  writeInitialMemory(job.initial_again);
  process.stdout.write(JSON.stringify({ heap: pyodide._module.HEAP8.length }) + "\n");
}
