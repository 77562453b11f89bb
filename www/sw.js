// brainprobe's service worker: a second visit works without the network (workshop wifi).
// `cargo xtask build-web` (and Trunk's post-build hook) write this file into the site with
// the build's digest and its app-shell file list filled in, so every build has its own
// cache, `brainprobe-shell-<digest>`, and a new build replaces the old one. Installing
// caches the shell (page, scripts, wasm, styles, the data bundles, model manifests); then
// requests go to the network first (an online visit always sees the current files), what
// comes back is kept, and without a network the kept copy answers. Model weights (.safetensors, .gguf)
// are left to the page's worker, which caches and sha256-verifies them itself
// (`brainprobe-v1`).
const BUILD = '__BUILD_DIGEST__';
const SHELL = __SHELL_FILES__;
const PREFIX = 'brainprobe-shell-';
const CACHE = PREFIX + BUILD;
const WEIGHTS = /\.(safetensors|gguf)$/;

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.map((file) => new Request(file, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith(PREFIX) && name !== CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin || WEIGHTS.test(url.pathname)) {
    return;
  }
  event.respondWith((async () => {
    const cache = await caches.open(CACHE);
    try {
      const response = await fetch(request);
      if (response.ok && response.type === 'basic') {
        cache.put(request, response.clone()).catch(() => {});
      }
      return response;
    } catch (offline) {
      const kept = (await cache.match(request, { ignoreSearch: true }))
        || (request.mode === 'navigate' ? await cache.match('./') : undefined);
      if (kept) {
        return kept;
      }
      throw offline;
    }
  })());
});
