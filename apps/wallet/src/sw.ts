/**
 * Service worker of the Tessera wallet: precaches the app shell (the list of built files is
 * injected by vite.config.ts) so the installed app opens offline.
 *
 * Strategy: navigations are network-first with the cached `index.html` as the offline fallback;
 * the shell's own files (hashed assets, icons, manifest) are cache-first. Nothing else is
 * touched: WebSocket signalling, cross-origin requests and any non-GET request go straight to
 * the network, and no response other than the shell files is ever stored (the wallet's secrets
 * live only in the encrypted IndexedDB vault, never in a cache).
 * @module
 */

declare const self: ServiceWorkerGlobalScope & { __TESSERA_SHELL__?: string[]; __TESSERA_BUILD__?: string };

/** Shell files, prepended to sw.js at build time (empty under the dev server). */
const SHELL_FILES: readonly string[] = self.__TESSERA_SHELL__ ?? [];
/** Cache name; the build id changes whenever the shell's file list changes. */
const CACHE = `tessera-shell-${self.__TESSERA_BUILD__ ?? 'dev'}`;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL_FILES.map((f) => new Request(f, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) if (name.startsWith('tessera-shell-') && name !== CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

const shellPaths = new Set(SHELL_FILES);

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.mode === 'navigate') {
    event.respondWith(
      (async () => {
        try {
          return await fetch(req);
        } catch (e) {
          const cached = (await caches.match('/index.html', { cacheName: CACHE })) ?? (await caches.match('/', { cacheName: CACHE }));
          if (cached) return cached;
          throw e;
        }
      })(),
    );
    return;
  }
  if (!shellPaths.has(url.pathname)) return;
  event.respondWith(
    (async () => {
      const cached = await caches.match(url.pathname, { cacheName: CACHE });
      return cached ?? fetch(req);
    })(),
  );
});
