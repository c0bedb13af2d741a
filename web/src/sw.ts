// The service worker: after one visit the page works offline. It caches the built files when it
// installs (web/build.sh writes their list and a build id into this file); every request goes to
// the network first (so a new build is always what an online page gets) and falls back to the
// cache when the network fails.
declare const MESHGATE_ASSETS: string[];
declare const MESHGATE_BUILD: string;

/** The parts of the service worker scope used here (the page's lib has no ServiceWorker types). */
interface SwScope {
  addEventListener(type: "install" | "activate", listener: (event: SwEvent) => void): void;
  addEventListener(type: "fetch", listener: (event: SwFetchEvent) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
  registration: { scope: string };
}
interface SwEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface SwFetchEvent extends SwEvent {
  readonly request: Request;
  respondWith(response: Promise<Response>): void;
}

const sw = self as unknown as SwScope;
const PREFIX = "meshgate-playground-";
const CACHE = PREFIX + MESHGATE_BUILD;

sw.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(MESHGATE_ASSETS))
      .then(() => sw.skipWaiting()),
  );
});

sw.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith(PREFIX) && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => sw.clients.claim()),
  );
});

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === "basic") void cache.put(request, response.clone());
    return response;
  } catch (error) {
    const cached =
      (await cache.match(request, { ignoreSearch: true })) ??
      (request.mode === "navigate" ? await cache.match(new URL("./", sw.registration.scope).href) : undefined);
    if (cached) return cached;
    throw error;
  }
}

sw.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== location.origin) return;
  event.respondWith(networkFirst(request));
});
