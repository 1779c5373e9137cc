// Something fetched over a phone's Wi-Fi, tried until it arrives: a failure is tried again after a wait
// that grows to half a minute. The promise never rejects, so a failed fetch prints nothing and is never
// lost; the browser fetches a failed module again on the next try.

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
