// Something fetched over a phone's Wi-Fi, tried until it arrives: a failure is tried again after a wait
// that grows to half a minute. The promise never rejects, so a failed fetch prints nothing and is never
// lost.
//
// A module is never imported before its file has arrived: a module whose fetch fails stays failed for the
// life of the page (Chromium keeps the failure in its module map, and every later import() of it fails
// at once), while a failed fetch() can be tried again. Once the file is in the HTTP cache (the page's
// modules are cached for good), importing it costs no second request.

const WAITS_MS = [1000, 2000, 5000, 10000, 30000];

/** What `attempt()` resolves to, however many tries that takes. */
export function retrying(attempt) {
  return new Promise((resolve) => {
    const tryOnce = (failures) => {
      attempt().then(resolve, () => setTimeout(() => tryOnce(failures + 1), WAITS_MS[Math.min(failures, WAITS_MS.length - 1)]));
    };
    tryOnce(0);
  });
}

const arrivedWhole = (url) =>
  fetch(url).then((response) => (response.ok ? response.arrayBuffer() : Promise.reject(new Error(String(response.status)))));

/** The modules at these paths under js/, fetched side by side and imported once every file has arrived;
 * resolves to the first path's module. Give it to `retrying`, which tries again what failed to arrive. */
export function importArrived(...paths) {
  const urls = paths.map((path) => new URL(path, import.meta.url).href);
  return Promise.all(urls.map(arrivedWhole))
    .then(() => Promise.all(urls.map((url) => import(url))))
    .then(([first]) => first);
}
