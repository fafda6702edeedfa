// Starts the engine's worker the moment the page can, before the page's stylesheets, its first
// layout and its modules: the worker begins every engine download at once (worker.js), so each
// millisecond the page spends first would be added to the wait for the first score.
//
// A classic script, linked without `async` or `defer` as the first script of the <head>: the
// parser runs it as soon as it arrives (a few hundred bytes, one round trip, or the service
// worker's cache), before it reads on. An `async` module ran 400–900 ms later on the
// benchmark's phone profile (4× CPU), when the browser got round to it.
//
// Until engine.js takes the worker over (`window.calcEarlyWorker`, read once), its messages and
// errors are kept here in order, then handed over.
(() => {
  const url = document.currentScript?.dataset.worker;
  if (!url || !("Worker" in window)) return;
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
