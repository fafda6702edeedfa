// The calculator's service worker: makes the second visit start from the cache and work with
// the network off. The builder fills in MANIFEST (below) with every file the calculator needs
// and its SHA-256, and names the cache after a hash of them all, so each deploy gets its own
// cache and a new deploy changes this file's bytes (which is how browsers notice an update).
//
// Consistency: a page is always served entirely from one cache version. Installation checks
// every downloaded file against the manifest hash (a stale HTTP cache or a half-finished
// deploy fails the install and the previous version stays in charge), and `activate` deletes
// the caches of older versions.

const MANIFEST = "__MANIFEST__";
// The scope is part of the name: two copies of the site under different base URLs on one
// origin must not delete each other's caches.
const PREFIX = `calculator ${new URL("./", self.location).pathname} `;
const CACHE = PREFIX + MANIFEST.version;
const files = MANIFEST.files.map(([path, sha256]) => [new URL(path, self.location).href, sha256]);
const expected = new Map(files);

async function sha256Hex(buffer) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

async function fetchVerified(url, sha256) {
  // First try whatever the HTTP cache has (cheap right after a first visit); if that copy is
  // not the one this version was built with, insist on the network.
  for (const cache of ["default", "reload"]) {
    const response = await fetch(url, { cache, credentials: "same-origin" });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const body = await response.clone().arrayBuffer();
    if ((await sha256Hex(body)) === sha256) return response;
  }
  throw new Error(`${url}: content does not match this version of the site`);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await Promise.all(
        files.map(async ([url, sha256]) => {
          if (await cache.match(url)) return; // Left by an interrupted earlier install.
          await cache.put(url, await fetchVerified(url, sha256));
        }),
      );
    })().catch(async (error) => {
      // Never leave a half-filled cache behind under this version's name.
      await caches.delete(CACHE);
      throw error;
    }),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  url.hash = "";
  // The page itself may be asked for with tracking parameters or as index.html.
  if (request.mode === "navigate") {
    url.search = "";
    url.pathname = url.pathname.replace(/index\.html$/, "");
  }
  // Only the manifest's files are ours to answer; everything else goes to the network as usual.
  if (!expected.has(url.href)) return;
  event.respondWith(
    (async () => {
      const hit = await (await caches.open(CACHE)).match(url.href);
      return hit || fetch(request);
    })(),
  );
});
