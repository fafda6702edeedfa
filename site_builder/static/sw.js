// The site's service worker (scope: the site's base URL). It keeps what a visitor has opened
// readable offline, makes the calculator start from local copies and work with the network
// off, and lets a new deploy take over at once, so a returning visitor never keeps stale rules.
//
// The builder fills in MANIFEST (below): the version (a hash of everything listed), the site
// shell (stylesheet and scripts under static/) and the calculator's engine files (page, scripts,
// wheel, Pyodide), each with its SHA-256. See docs/architecture.md, “Service worker”.
//
// Caches, all named "site <scope> …" so two copies of the site under different base URLs on
// one origin never touch each other's caches:
//   shell <version>   the shell, precached at install (small)
//   engine <version>  the engine files; filled only for visitors who use the calculator (when
//                     its engine is ready the page says so), and at install if an older
//                     version had them; copied from older engine caches, the calculator's
//                     worker's "calc-prefetch" cache or the HTTP cache before the network, and
//                     every file checked against its SHA-256, so nothing is downloaded twice and
//                     no stale file ever joins a version
//   unzipped <version>  MANIFEST.unzip: a gunzipped copy of each engine file listed there (the
//                     memory snapshot), made from the engine cache's checked copy once that is
//                     full; the calculator's worker reads it as it is, instead of unzipping
//                     8.4 MB at the start of every return visit (a few hundred ms on a phone)
//   pages             pages (and the JSON they fetch) as last seen online, for reading offline
//
// Requests: pages are network-first (fresh content whenever the network answers within a
// few seconds), with the saved copy as fallback, marked so the page can say it is an offline
// copy; engine files and the shell are cache-first (their URLs carry content hashes); other
// JSON under the scope is network-first with the saved copy as fallback. A new version skips
// waiting and claims open pages: pages and hashed file names keep every page consistent.

const MANIFEST = "__MANIFEST__";
const SCOPE = new URL("./", self.location).pathname;
const PREFIX = `site ${SCOPE} `;
const SHELL = `${PREFIX}shell ${MANIFEST.version}`;
const ENGINE = `${PREFIX}engine ${MANIFEST.version}`;
const UNZIPPED = `${PREFIX}unzipped ${MANIFEST.version}`;
const PAGES = `${PREFIX}pages`;
// Filled by the calculator's worker with the engine files it downloaded (contract 4).
const PREFETCH = "calc-prefetch";
// The calculator's own service worker before this one (calculator/sw.js) named its caches so.
const LEGACY_PREFIX = `calculator ${SCOPE}calculator/ `;
const NETWORK_TIMEOUT_MS = 4000;

const absolute = (path) => new URL(path, self.location).href;
const shellFiles = new Map(MANIFEST.shell.map(([path, sha256]) => [absolute(path), sha256]));
const engineFiles = new Map(MANIFEST.engine.map(([path, sha256]) => [absolute(path), sha256]));
const unzipFiles = MANIFEST.unzip.map(([path, copy]) => [absolute(path), absolute(copy)]);

async function sha256Hex(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** `response` if its body has the expected hash, else null. */
async function verified(response, sha256) {
  if (!response || !response.ok) return null;
  const body = await response.clone().arrayBuffer();
  return (await sha256Hex(body)) === sha256 ? response : null;
}

/** The HTTP cache's copy of `url`, never the network's. */
async function httpCached(url) {
  try {
    const response = await fetch(url, {
      cache: "only-if-cached", mode: "same-origin", credentials: "same-origin",
    });
    return response.ok ? response : null;
  } catch {
    return null;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A copy of `url` with the expected content: from the given caches or the HTTP cache, then
 * the network. `patienceMs`: how long to keep looking in the caches first, for a file the
 * calculator's worker has just downloaded and may still be storing. Returns the response. */
async function obtain(url, sha256, cacheNames, patienceMs = 0) {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    for (const name of cacheNames) {
      if (!(await caches.has(name))) continue;
      const good = await verified(await (await caches.open(name)).match(url), sha256);
      if (good) return good;
    }
    const good = await verified(await httpCached(url), sha256);
    if (good) return good;
    if (Date.now() >= deadline) break;
    await sleep(250);
  }
  // Not this version's content anywhere local: the network, past the HTTP cache.
  const response = await fetch(url, { cache: "reload", credentials: "same-origin" });
  if (await verified(response, sha256)) return response;
  throw new Error(`${url}: content does not match this version of the site`);
}

async function cacheNames(kind) {
  return (await caches.keys()).filter((name) => name.startsWith(`${PREFIX}${kind} `));
}

/** Put every file of `files` into cache `target`, each verified, copying where possible. */
async function fill(target, files, sources, patienceMs = 0) {
  const cache = await caches.open(target);
  // Whatever is there was checked before it was put (e.g. by an interrupted earlier fill).
  const present = new Set((await cache.keys()).map((request) => request.url));
  await Promise.all(
    Array.from(files, async ([url, sha256]) => {
      if (present.has(url)) return;
      await cache.put(url, await obtain(url, sha256, sources, patienceMs));
    }),
  );
  // Every file is in our cache now: the worker's copies need not be kept twice.
  if (sources.includes(PREFETCH) && (await caches.has(PREFETCH))) {
    const prefetch = await caches.open(PREFETCH);
    await Promise.all(Array.from(files, ([url]) => prefetch.delete(url)));
    if (!(await prefetch.keys()).length) await caches.delete(PREFETCH);
  }
}

async function engineSources() {
  const older = (await cacheNames("engine")).filter((name) => name !== ENGINE);
  const legacy = (await caches.keys()).filter((name) => name.startsWith(LEGACY_PREFIX));
  return [...older, ...legacy, PREFETCH];
}

// How long a fill asked for by the calculator page waits for the files its worker has just
// downloaded to reach "calc-prefetch" (storing 10 MB can finish after the engine is ready).
const PREFETCH_PATIENCE_MS = 20000;

/** Whether a newer version of this worker has taken over (this one is on its way out). */
function superseded() {
  return self.serviceWorker?.state === "redundant";
}

/** Cache the engine: at install for a visitor who used the calculator before, or when the
 * calculator page says its engine is running (`patienceMs`, see above). */
let engineFill = null;
function fillEngine(patienceMs = 0) {
  if (!engineFiles.size) return Promise.resolve();
  engineFill ??= (async () => {
    if (superseded()) return;
    await fill(ENGINE, engineFiles, await engineSources(), patienceMs);
    // A newer version may have activated (and deleted this version's caches) while the fill
    // ran: caches.open() then recreated ours, a full stale copy nobody would ever delete.
    if (superseded()) {
      await caches.delete(ENGINE);
      return;
    }
    engineCached = true;
    await unzipEngine();
  })().finally(() => {
    engineFill = null;
  });
  return engineFill;
}

/** Keep the gunzipped copies MANIFEST.unzip asks for, each made from the engine cache's copy
 * (checked against its SHA-256 when it was put there), streamed: never the whole file in
 * memory. A copy that fails to be made is simply missing: the worker then reads the gzip file,
 * and the next fill tries again. */
async function unzipEngine() {
  if (!unzipFiles.length || typeof DecompressionStream === "undefined") return;
  const engine = await caches.open(ENGINE);
  const target = await caches.open(UNZIPPED);
  for (const [url, copy] of unzipFiles) {
    try {
      if (await target.match(copy)) continue;
      const gzipped = await engine.match(url);
      if (!gzipped) continue;
      const body = gzipped.body.pipeThrough(new DecompressionStream("gzip"));
      await target.put(copy, new Response(body, {
        headers: { "Content-Type": "application/octet-stream" },
      }));
    } catch {
      await target.delete(copy).catch(() => {}); // never a half-written copy
    }
  }
  if (superseded()) await caches.delete(UNZIPPED);
}

// Whether this version has engine files cached: when it has none, engine requests go
// straight to the network without passing through this worker. Unknown until checked.
let engineCached = null;
caches.has(ENGINE).then((has) => {
  engineCached ??= has;
});

async function usedCalculatorBefore() {
  const names = await caches.keys();
  return names.some(
    (name) => name.startsWith(`${PREFIX}engine `) || name.startsWith(LEGACY_PREFIX),
  );
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      // The shell: copies from the previous version's shell or the HTTP cache where the
      // content is the same (the page that registered this worker has just loaded most).
      await fill(SHELL, shellFiles, await cacheNames("shell"));
      // A visitor who used the calculator keeps it offline across deploys: the new engine
      // is complete (or the install fails and the old version stays) before it takes over.
      if (await usedCalculatorBefore()) await fillEngine();
      // Take over now: pages fetched while the old version was in charge came from the
      // network, and every file they use has a content-hashed name.
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      // Only this scope's caches of other versions (and the calculator's old worker's).
      const keep = new Set([SHELL, ENGINE, UNZIPPED, PAGES]);
      for (const name of await caches.keys()) {
        if ((name.startsWith(PREFIX) && !keep.has(name)) || name.startsWith(LEGACY_PREFIX)) {
          await caches.delete(name);
        }
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("message", (event) => {
  const message = event.data || {};
  if (message.type === "cache-engine") {
    event.waitUntil(fillEngine(PREFETCH_PATIENCE_MS).catch(() => {})); // else: next visit
  } else if (message.type === "cache-page" || message.type === "cache-data") {
    // cache-page: the page itself (url) and its data (resources); cache-data: data only.
    const resources = Array.isArray(message.resources) ? message.resources : [];
    const page = message.type === "cache-page" && typeof message.url === "string";
    event.waitUntil(Promise.all([
      page ? savePage(message.url).catch(() => {}) : null,
      ...resources.map((url) => saveData(url).catch(() => {})),
    ]));
  }
});

/** The page's own key: no fragment, no query, no index.html. */
function pageKey(url) {
  const key = new URL(url);
  key.hash = "";
  key.search = "";
  key.pathname = key.pathname.replace(/index\.html$/, "");
  return key.href;
}

function inScope(url) {
  return url.origin === self.location.origin && url.pathname.startsWith(SCOPE);
}

/** Save a page the visitor opened before this worker was in charge (first visit). */
async function savePage(url) {
  const parsed = new URL(url);
  if (!inScope(parsed)) return;
  const key = pageKey(parsed);
  if (engineFiles.has(key)) return; // the calculator page belongs to the engine cache
  // From the HTTP cache if it has the page, so a first visit does not fetch it twice.
  const response = (await httpCached(key)) ||
    (await fetch(key, { cache: "force-cache", credentials: "same-origin" }));
  if (response.ok && isHTML(response)) await keep(key, response);
}

/** Save a JSON file such a page fetched (the search index), keyed with its query. */
async function saveData(url) {
  const parsed = new URL(url);
  if (typeof url !== "string" || !inScope(parsed) || !parsed.pathname.endsWith(".json")) return;
  parsed.hash = "";
  const response = (await httpCached(parsed.href)) ||
    (await fetch(parsed.href, { cache: "force-cache", credentials: "same-origin" }));
  if (response.ok) await keep(parsed.href, response);
}

function isHTML(response) {
  return (response.headers.get("Content-Type") || "").startsWith("text/html");
}

/** Store a response in the pages cache with the time it was saved. */
async function keep(key, response) {
  const headers = new Headers(response.headers);
  headers.set("X-Saved-At", new Date().toISOString());
  const copy = new Response(await response.clone().blob(), {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
  await (await caches.open(PAGES)).put(key, copy);
}

/** A saved page, marked as an offline copy: `data-offline-copy` on <html> carries the time it
 * was saved, for the page's script to show a notice. */
async function offlineCopy(response) {
  const saved = response.headers.get("X-Saved-At") || response.headers.get("Date") || "";
  const html = await response.text();
  const marked = html.replace(
    /<html\b/,
    `<html data-offline-copy="${saved.replace(/[^0-9A-Za-z:.,+\- ]/g, "")}"`,
  );
  const headers = new Headers(response.headers);
  headers.delete("Content-Length");
  return new Response(marked, { status: 200, headers });
}

/** Network first; after `NETWORK_TIMEOUT_MS`, or on failure, the saved copy if there is one.
 * A good network response is stored (`store`) without holding the page up. */
async function networkFirst(event, request, saved, store) {
  // Past the HTTP cache's heuristics (a copy it deems fresh may predate a deploy); the server
  // answers "not modified" cheaply when nothing changed.
  const network = fetch(new Request(request, { cache: "no-cache" })).then((response) => {
    if (response.ok && store) event.waitUntil(store(response.clone()).catch(() => {}));
    return response;
  });
  const timeout = new Promise((resolve) => setTimeout(resolve, NETWORK_TIMEOUT_MS));
  try {
    const first = await Promise.race([network, timeout]);
    if (first) return first;
    const copy = await saved();
    if (copy) {
      network.catch(() => {}); // still stores the fresh copy when it arrives
      return copy;
    }
    return await network;
  } catch (error) {
    const copy = await saved();
    if (copy) return copy;
    throw error;
  }
}

// Caches this worker has opened, by name: a request then costs one Cache Storage operation
// (match) instead of three (has, open, match). A return visit to the calculator sends about 20
// requests through here while the engine starts, each of them waiting its turn with the
// engine's own reads of Cache Storage. Only caches that exist are kept (`has` first), so a
// lookup never creates one; this version's caches are deleted only once a newer version has
// taken over, and then this worker no longer answers requests.
const opened = new Map();
async function match(cacheName, key, options) {
  let cache = opened.get(cacheName);
  if (!cache) {
    if (!(await caches.has(cacheName))) return undefined;
    cache = await caches.open(cacheName);
    opened.set(cacheName, cache);
  }
  return cache.match(key, options);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (!inScope(url)) return;
  url.hash = "";

  if (request.mode === "navigate") {
    const key = pageKey(url);
    if (engineFiles.has(key)) {
      // The calculator page: fresh from the network (it names the wheel by its hash, so it
      // never runs with another version's rules); offline, this version's engine copy.
      event.respondWith(networkFirst(event, request, async () => {
        const hit = await match(ENGINE, key);
        return hit && offlineCopy(hit);
      }));
      return;
    }
    event.respondWith(networkFirst(event, request, async () => {
      const hit = await match(PAGES, key);
      return hit && offlineCopy(hit);
    }, async (response) => {
      if (isHTML(response)) await keep(key, response);
    }));
    return;
  }

  const href = url.href;
  if (shellFiles.has(href) || (engineFiles.has(href) && engineCached !== false)) {
    event.respondWith((async () => (await match(ENGINE, href)) ||
      (await match(SHELL, href)) || fetch(request))());
    return;
  }
  if (url.pathname.startsWith(`${SCOPE}static/`)) {
    // A stylesheet or script of another version (an offline copy of an older page): the
    // network, else this version's file of the same name.
    event.respondWith(fetch(request).catch(async (error) => {
      const hit = await match(SHELL, href, { ignoreSearch: true });
      if (hit) return hit;
      throw error;
    }));
    return;
  }
  if (url.pathname.endsWith(".json")) {
    // Data the pages fetch (the search index): fresh when online, the saved copy offline.
    event.respondWith(networkFirst(event, request, () => match(PAGES, href),
      (response) => keep(href, response)));
  }
});
