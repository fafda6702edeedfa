// On every page: registers the site's service worker (sw.js at the site's root, which keeps
// opened pages readable offline and the calculator working offline), and says so when a page
// is an offline copy or when the rules data changed since the visitor's last visit.
// Loaded as a module from our own origin (strict CSP: no inline script). Nothing here sends
// anything anywhere; the only thing stored is the rules' version, a hash of public data.

const html = document.documentElement;
const root = new URL("../../", import.meta.url); // this file is static/js/offline.js
const notices = document.getElementById("site-notices");
// Per copy of the site: two copies under different base URLs share one origin's storage.
const RULES_KEY = `rules-version ${root.pathname}`;

const TEXT = {
  offline: (saved) =>
    `网络不可用或响应过慢，您正在查看本页的离线副本${saved ? `（保存于${saved}）` : ""}，` +
    "内容可能不是最新的。网络恢复后刷新本页即可查看最新内容。",
  rulesUpdated: "规则数据已更新：本页已按更新后的规则数据计算。",
};

function notify(kind, text) {
  if (!notices) return;
  const p = document.createElement("p");
  p.className = "site-notice";
  p.dataset.notice = kind;
  p.textContent = text;
  notices.append(p);
}

/** `2026-12-02T06:05:00Z` → `2026年12月2日 14:05` on the visitor's clock. */
function zhTime(iso) {
  const when = new Date(iso);
  if (Number.isNaN(when.getTime())) return "";
  const pad = (n) => String(n).padStart(2, "0");
  return `${when.getFullYear()}年${when.getMonth() + 1}月${when.getDate()}日 ` +
    `${pad(when.getHours())}:${pad(when.getMinutes())}`;
}

function storage() {
  try {
    return window.localStorage;
  } catch {
    return null; // storage blocked (some in-app browsers): no update notice, nothing else lost
  }
}

// The service worker marks a page it serves from its saved copies.
const offline = html.dataset.offlineCopy !== undefined;
if (offline) notify("offline", TEXT.offline(zhTime(html.dataset.offlineCopy)));

// Pages that compute with the rules carry their version. An offline copy may be older than
// what the visitor last saw, so only a fresh page moves the remembered version on.
const rulesVersion = html.dataset.rulesVersion;
const store = storage();
if (rulesVersion && !offline && store) {
  try {
    const seen = store.getItem(RULES_KEY);
    if (seen && seen !== rulesVersion) notify("rules-updated", TEXT.rulesUpdated);
    store.setItem(RULES_KEY, rulesVersion);
  } catch {
    // Quota or privacy mode: the notice is a courtesy, the page works without it.
  }
}

// How long after the calculator's engine is ready its files are handed to the service worker.
const CACHE_ENGINE_DELAY_MS = 500;

// Whether this page came through the service worker (which then saved it already).
const controlledAtLoad = "serviceWorker" in navigator && !!navigator.serviceWorker.controller;

/** This site's JSON files among `entries` (resource timings) that did not come through the
 * service worker (`workerStart` 0), so it has not saved them. */
function unsavedData(entries) {
  return entries
    .filter((entry) => entry.workerStart === 0)
    .map((entry) => new URL(entry.name))
    .filter((url) => url.origin === root.origin && url.pathname.startsWith(root.pathname) &&
      url.pathname.endsWith(".json"))
    .map((url) => url.href);
}

async function register() {
  const registration = await navigator.serviceWorker.register(new URL("sw.js", root), {
    scope: root.pathname,
  });
  // The calculator's service worker of earlier versions had its own, narrower scope, which
  // would keep answering for the calculator page: retire it.
  for (const other of await navigator.serviceWorker.getRegistrations()) {
    if (other.scope === new URL("calculator/", root).href) other.unregister();
  }
  const worker = (await navigator.serviceWorker.ready).active || registration.active;
  if (!worker) return;
  // A page opened before the service worker was in charge (a first visit) is not saved yet.
  if (!controlledAtLoad && !offline) {
    worker.postMessage({
      type: "cache-page",
      // Without the fragment: on the calculator it holds the visitor's answers.
      url: location.href.split("#")[0],
      // The data the page fetched (the search index), to read it offline too.
      resources: unsavedData(performance.getEntriesByType("resource")),
    });
    // Data fetched from now until the service worker takes charge of this page (e.g. the
    // search index on a first search) bypasses it too: hand it over as it arrives.
    new PerformanceObserver((list) => {
      const resources = unsavedData(list.getEntries());
      if (resources.length) worker.postMessage({ type: "cache-data", resources });
    }).observe({ type: "resource" });
  }
  // On the calculator: once its engine runs, keep the engine's files for offline use (the
  // service worker copies what was just downloaded rather than downloading it again). Asked
  // a moment later: the engine answers the first question right after it is ready, and the
  // page should draw that first result before anything else (on a slow phone, the message
  // and the service worker's checking of ~12 MB compete with it for the CPU).
  const calculator = document.getElementById("calculator");
  if (calculator) {
    let timer = null;
    const ask = () => {
      clearTimeout(timer);
      removeEventListener("pagehide", ask);
      (navigator.serviceWorker.controller || worker).postMessage({ type: "cache-engine" });
    };
    const whenReady = () => {
      if (calculator.dataset.engine !== "ready") return false;
      timer = setTimeout(ask, CACHE_ENGINE_DELAY_MS);
      // Leaving within that moment: asked now, or the engine is kept only on a next visit.
      addEventListener("pagehide", ask);
      return true;
    };
    if (!whenReady()) {
      const observer = new MutationObserver(() => whenReady() && observer.disconnect());
      observer.observe(calculator, { attributes: true, attributeFilter: ["data-engine"] });
    }
  }
}

if ("serviceWorker" in navigator && root.protocol !== "file:") {
  register().catch(() => {
    // No offline copies (private mode, storage full): the site works as before.
  });
}
