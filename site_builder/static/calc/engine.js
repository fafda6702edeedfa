// The engine client: starts the scoring engine in a module Web Worker, shows its loading
// status, sends it one request at a time and hands the replies back, and registers the
// service worker once the engine is up. Protocol: see worker.js and docs/architecture.md.
//
// Everything the user types stays in this tab: the worker computes locally, and the only
// requests are for the engine's own static files.

import { $ } from "./dom.js";

const root = document.getElementById("calculator");

const TEXT = {
  loading: `正在加载计算引擎（首次约需下载 ${root.dataset.downloadMb} MB，之后可离线使用）……`,
  slow: "仍在加载计算引擎。网络较慢时，首次加载可能需要一两分钟，请稍候。",
  stage: { runtime: "正在启动 Python 运行环境……", rules: "正在载入计分规则……" },
  ready: "计算引擎已就绪，修改任何一项，结果都会立即更新。",
  failed: "计算引擎未能启动：",
  failedHint: "请刷新页面重试；如仍不行，请换用较新版本的浏览器。表单内容不会丢失，它保存在本页地址中。",
  noWorker: "此浏览器不支持本计算器所需的模块化 Web Worker，请换用较新版本的浏览器。",
};

let worker = null;
let ready = false;
// The request the engine is working on: {op, generation, fragment, profile}. Only one at a
// time, so plan requests never pile up in the worker and a new score waits at most for the
// one plan being computed.
let inFlight = null;
let handlers = { onReady() {}, onResponse() {}, onFailed() {} };

/** True once the engine has reported ready. */
export function isReady() {
  return ready;
}

/** True while the engine works on a request (the next one waits for its reply). */
export function isBusy() {
  return inFlight !== null;
}

/** True when the engine could not start. */
export function hasFailed() {
  return root.dataset.engine === "failed";
}

/** Today on the user's clock: the day to score for and the plan's start month. Both come
 * from here, so the result and the plan always agree on what "now" is. */
export function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const month = `${now.getFullYear()}-${pad(now.getMonth() + 1)}`;
  return { date: `${month}-${pad(now.getDate())}`, month };
}

/** Send one request (`op` "score" or "plan") for `profile`; the reply goes to `onResponse`
 * with these details. Call only when ready and not busy. */
export function ask(op, profile, { generation, fragment }) {
  inFlight = { op, generation, profile, fragment };
  const { date, month } = today();
  const request = op === "score" ? { op, profile, date } : { op, profile, start: month };
  worker.postMessage({ type: "request", id: generation, request });
}

function setStatus(text, state) {
  $("calc-status-text").textContent = text;
  root.dataset.engine = state;
  $("calc-progress").hidden = state !== "loading";
}

function engineFailed(message) {
  setStatus(`${TEXT.failed}${message}。${TEXT.failedHint}`, "failed");
  handlers.onFailed();
}

/** Start the worker. `onReady()` once it can answer, `onResponse(answered, text)` for every
 * reply (`answered` is what `ask` was given), `onFailed()` if it cannot start. */
export function startEngine(callbacks) {
  handlers = { ...handlers, ...callbacks };
  if (!("Worker" in window)) {
    setStatus(TEXT.noWorker, "failed");
    return;
  }
  setStatus(TEXT.loading, "loading");
  performance.mark("calc-worker-start");
  setTimeout(() => {
    if (root.dataset.engine === "loading") setStatus(TEXT.slow, "loading");
  }, 20000);
  try {
    worker = new Worker(root.dataset.worker, { type: "module", name: "scoring" });
  } catch {
    setStatus(TEXT.noWorker, "failed");
    return;
  }
  worker.addEventListener("message", ({ data }) => {
    if (data.type === "progress") setStatus(TEXT.stage[data.stage] || TEXT.loading, "loading");
    else if (data.type === "ready") {
      ready = true;
      performance.mark("calc-engine-ready");
      // The worker's own timings (boot, install): shown by the benchmark, handy when debugging.
      root.dataset.engineMs = JSON.stringify(data.ms);
      setStatus(TEXT.ready, "ready");
      handlers.onReady();
    } else if (data.type === "response") {
      const answered = inFlight;
      inFlight = null;
      handlers.onResponse(answered, data.text);
    } else if (data.type === "failed") engineFailed(data.message);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    engineFailed(event.message || "脚本错误");
  });
  // Resolve against the page so the site works under any base URL.
  worker.postMessage({
    type: "init",
    pyodide: new URL(root.dataset.pyodide, location.href).href,
    wheel: new URL(root.dataset.wheel, location.href).href,
    lock: JSON.parse(root.dataset.lock),
  });
}
