// Starts the engine's worker the moment the page can, before the page's other modules have
// loaded and run: the worker begins every engine download at once (worker.js), so each
// millisecond the page spends fetching, compiling and running its own scripts first would
// be added to the wait for the first score. The page links this module `async` at the top
// of its <head>, and engine.js imports it: one module, one worker.
//
// Until engine.js takes the worker over (`takeEarlyWorker`), its messages and errors are
// kept here in order, then handed over.

// The page's <head> links this module with the worker's URL: the body may not be parsed yet.
const url = document.querySelector("script[data-worker]")?.dataset.worker;
let early = null;

if (url && "Worker" in window) {
  try {
    const worker = new Worker(url, { type: "module", name: "scoring" });
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
    early = {
      worker,
      events,
      release() {
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
      },
    };
    performance.mark("calc-worker-start");
  } catch {
    early = null; // engine.js tries again and says why it cannot
  }
}

/** The worker started here with what it has said so far ({data} or {error} in order), once;
 * null if there is none (or it was taken already: a retry starts a new one). The caller
 * must attach its own listeners in the same task as it calls `release()`. */
export function takeEarlyWorker() {
  const taken = early;
  early = null;
  return taken;
}
