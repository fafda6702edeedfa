// Retired: the calculator's own service worker of earlier versions (scope calculator/).
// The site-wide service worker (sw.js at the site's root) does its work now. A visitor who
// still has the old one gets this file on the browser's next update check: it deletes the
// old worker's caches, unregisters itself and hands the open pages back to the network, so
// their next load comes from the site-wide worker or the network, never from stale copies.

const LEGACY_PREFIX = `calculator ${new URL("./", self.location).pathname} `;

self.addEventListener("install", (event) => {
  event.waitUntil(self.skipWaiting());
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(LEGACY_PREFIX)) await caches.delete(name);
      }
      await self.registration.unregister();
    })(),
  );
});
