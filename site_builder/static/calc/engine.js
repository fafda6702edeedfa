// The engine client: takes over the scoring engine's module Web Worker (started by start.js
// as early as the page can, or started here on a retry), shows its loading status, sends it
// one request at a time and hands the replies back. Protocol: see worker.js and
// docs/architecture.md.
//
// Everything the user types stays in this tab: the worker computes locally, and the only
// requests are for the engine's own static files.

import { $, h } from "./dom.js";

const root = document.getElementById("calculator");

/** The worker start.js started with what it has said so far ({data} or {error} in order),
 * once; null if there is none (or it was taken already: a retry starts a new one). The caller
 * must attach its own listeners in the same task as it calls `release()`. */
function takeEarlyWorker() {
  const taken = window.calcEarlyWorker || null;
  window.calcEarlyWorker = null;
  return taken;
}

const MB = (bytes) => (bytes / 1e6).toFixed(1);

const TEXT = {
  loading: `正在加载计算引擎（首次约需下载 ${root.dataset.downloadMb} MB，之后可离线使用）……`,
  download: (received, expected) => `正在下载计算引擎：已下载 ${MB(received)} MB，共 ${MB(expected)} MB`,
  estimate: (seconds) =>
    seconds < 60 ? `，预计还需约 ${Math.max(1, Math.round(seconds))} 秒。` :
      `，预计还需约 ${Math.round(seconds / 60)} 分钟。`,
  stage: {
    start: "下载完成，正在启动计算引擎，通常只需几秒钟……",
    rules: "正在载入计分规则……",
    fallback: "快速启动未成功，正在以常规方式启动计算引擎，需要多等几秒……",
  },
  ready: "计算引擎已就绪，修改任何一项，结果都会立即更新。",
  failed: "计算引擎未能启动。",
  stalled: (seconds) => `计算引擎已有 ${seconds} 秒没有任何加载进展，已停止等待。`,
  reasons: {
    network: "下载计算引擎的文件时网络中断。请检查网络连接，然后点击“重试”。",
    http: "服务器没有提供计算引擎所需的文件。请稍后点击“重试”；如仍不行，可能是网站正在更新。",
    mime: "服务器发送 WebAssembly 文件（.wasm）时使用了错误的类型，浏览器因此拒绝运行。" +
      "如果您是本站的维护者：请让服务器以 Content-Type: application/wasm 发送 .wasm 文件。",
    stalled: "可能是网络很慢或连接已中断。请检查网络连接，然后点击“重试”；也可以换一个网络（如从移动数据换到无线网络）再试。",
    engine: "请点击“重试”；如仍不行，请换用较新版本的浏览器。",
  },
  formKept: "表单内容不会丢失，它保存在本页地址中。",
  detail: "技术信息：",
  retry: "重试",
  noWorker: "此浏览器不支持本计算器所需的模块化 Web Worker，请换用较新版本的浏览器。",
};
// How long loading may go without any sign of progress before the page gives up waiting and
// says so. Generous: a slow phone on a slow network still reports bytes every fraction of a
// second, and starting Python after the download takes seconds, not a minute. The page's
// `data-watchdog-ms` can set another value (tests use a short one).
const watchdogMs = () => Number(root.dataset.watchdogMs) || 60_000;

let worker = null;
let ready = false;
// The request the engine is working on: {op, generation, fragment, profile}. Only one at a
// time, so plan requests never pile up in the worker and a new score waits at most for the
// one plan being computed.
let inFlight = null;
let handlers = { onReady() {}, onResponse() {}, onFailed() {}, onLoading() {} };

/** True once the engine has reported ready. */
export function isReady() {
  return ready;
}

/** True while the engine is starting or ready: a request sent now is answered (one sent while
 * it starts waits in the worker, which answers it the moment it is ready). */
export function canAsk() {
  return worker !== null && !hasFailed();
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
 * with these details. Call only when `canAsk()` and not busy. */
export function ask(op, profile, { generation, fragment }) {
  inFlight = { op, generation, profile, fragment };
  const { date, month } = today();
  const request = op === "score" ? { op, profile, date } : { op, profile, start: month };
  worker.postMessage({ type: "request", id: generation, request });
}

function setStatus(text, state) {
  // Only what changed: progress arrives several times a second while the engine loads, and
  // each write to the page's root would restyle the whole page on a slow phone's main thread.
  const status = $("calc-status-text");
  if (status.textContent !== text) status.textContent = text;
  if (root.dataset.engine !== state) root.dataset.engine = state;
  const bar = $("calc-progress");
  if (bar.hidden !== (state !== "loading")) bar.hidden = state !== "loading";
  showRetry(state === "failed");
}

let retry = null; // the “重试” button, in the status box only while loading has failed
function showRetry(show) {
  if (!retry) {
    retry = h("button", TEXT.retry, "button calc-retry");
    retry.type = "button";
    retry.addEventListener("click", () => {
      launch();
      handlers.onLoading();
    });
  }
  if (show) $("calc-status").append(retry);
  else if (retry.isConnected) retry.remove();
}

/** Say plainly what failed and what to try; the retry button starts a new worker. */
function engineFailed(reason, message, lead = TEXT.failed) {
  stopWatchdog();
  if (worker) worker.terminate();
  worker = null;
  const detail = message ? `${TEXT.detail}${message}` : "";
  setStatus([lead, TEXT.reasons[reason] || TEXT.reasons.engine, TEXT.formKept, detail]
    .filter(Boolean).join(""), "failed");
  handlers.onFailed();
}

// ---- Progress and the watchdog -----------------------------------------------------

let watchdog = 0;
let firstBytes = null; // {at, received}: when bytes first arrived, for the estimate
// The status line (a live region: screen readers announce each change) is rewritten at most
// once a second while bytes arrive; the progress bar follows every message.
const TEXT_EVERY_MS = 1000;
let textAt = -Infinity;
let latestProgress = null; // the last progress message, for the line's catch-up below
let catchUp = 0;

function stopWatchdog() {
  clearTimeout(watchdog);
}

function feedWatchdog() {
  stopWatchdog();
  const ms = watchdogMs();
  watchdog = setTimeout(() => engineFailed("stalled", "", TEXT.stalled(Math.round(ms / 1000))), ms);
}

function showProgress(message) {
  const { stage, received, expected } = message;
  const bar = $("calc-progress");
  latestProgress = message;
  clearTimeout(catchUp);
  if (stage === "download" && expected > 0) {
    bar.max = expected;
    bar.value = received;
    const now = performance.now();
    if (!firstBytes && received > 0) firstBytes = { at: now, received };
    if (now - textAt < TEXT_EVERY_MS && root.dataset.engine === "loading") {
      // The line still catches up with the bar a second after its last change when no more
      // bytes arrive meanwhile (a stalled download), instead of keeping an older count.
      catchUp = setTimeout(() => {
        if (latestProgress === message && root.dataset.engine === "loading") showProgress(message);
      }, TEXT_EVERY_MS - (now - textAt));
      return;
    }
    textAt = now;
    let text = TEXT.download(received, expected);
    const seconds = firstBytes ? (now - firstBytes.at) / 1000 : 0;
    // An estimate only once there is a rate to go by.
    if (seconds > 1 && received > firstBytes.received) {
      const rate = (received - firstBytes.received) / seconds;
      text += TEXT.estimate((expected - received) / rate);
    } else {
      text += "……";
    }
    setStatus(text, "loading");
  } else {
    bar.removeAttribute("value"); // no byte count to show: an indeterminate bar
    setStatus(TEXT.stage[stage] || TEXT.loading, "loading");
  }
}

/** Start the worker. `onReady()` once it can answer, `onResponse(answered, text)` for every
 * reply (`answered` is what `ask` was given), `onFailed()` if it cannot start, `onLoading()`
 * when the user asks to try again. */
export function startEngine(callbacks) {
  handlers = { ...handlers, ...callbacks };
  launch();
}

function launch() {
  // The worker start.js created as the page began loading (the first launch only).
  const early = takeEarlyWorker();
  if (!early && !("Worker" in window)) {
    setStatus(TEXT.noWorker, "failed");
    showRetry(false); // nothing a retry can change
    return;
  }
  ready = false;
  inFlight = null;
  firstBytes = null;
  textAt = -Infinity;
  latestProgress = null; // a catch-up of a previous worker's count never shows
  clearTimeout(catchUp);
  setStatus(TEXT.loading, "loading");
  if (early) {
    worker = early.worker;
  } else {
    performance.mark("calc-worker-start");
    try {
      worker = new Worker(root.dataset.worker, { type: "module", name: "scoring" });
    } catch {
      setStatus(TEXT.noWorker, "failed");
      showRetry(false); // nothing a retry can change
      return;
    }
  }
  feedWatchdog();
  const current = worker;
  const onMessage = (data) => {
    if (worker !== current) return; // a worker given up on (watchdog) may still talk
    if (data.type === "progress") {
      feedWatchdog();
      showProgress(data);
    } else if (data.type === "ready") {
      stopWatchdog();
      ready = true;
      performance.mark("calc-engine-ready");
      // The worker's own timings (boot, install): shown by the benchmark, handy when debugging.
      root.dataset.engineMs = JSON.stringify(data.ms);
      // How it started: "snapshot" (restored), "normal" or "fallback" (restoring failed).
      root.dataset.engineStart = data.start || "normal";
      // Where a snapshot was read: "unzipped copy", "device" (the gzip file) or "network".
      if (data.snapshot) root.dataset.engineSnapshot = data.snapshot;
      setStatus(TEXT.ready, "ready");
      handlers.onReady();
    } else if (data.type === "response") {
      const answered = inFlight;
      inFlight = null;
      handlers.onResponse(answered, data.text);
    } else if (data.type === "failed") engineFailed(data.reason, data.message);
  };
  const onError = (message) => {
    if (worker === current) engineFailed("engine", message || "脚本错误");
  };
  worker.addEventListener("message", ({ data }) => onMessage(data));
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    onError(event.message);
  });
  if (early) {
    // What the worker said before this module ran, in order, then everything it says next.
    early.release();
    for (const event of early.events) {
      if ("data" in event) onMessage(event.data);
      else onError(event.error);
    }
  } else {
    // The worker knows its files from the build; the message only says "start".
    worker.postMessage({ type: "init" });
  }
}
