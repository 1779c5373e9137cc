// The join link. The welcome and every board carry the page's current address: when the facilitator has
// replaced the link, a phone already in moves everything it keeps over to the new token and takes the new
// address, so that a reload still finds the retro. A phone turned away again and again before any welcome
// checks, now and then, whether its page's address still answers at all (the probe).

import { mergeStored, persistAll, state } from './state.js';
import { carryOver, dropOld, joinToken, moveTo } from './storage.js';

/** How often this phone may check its link: a few at once, then one per 30 s, spread out over phones. */
const PROBE_BURST = 3;
const PROBE_REFILL_MS = 30000;
const PROBE_JITTER_MS = 1500;

const isToken = (token) => /^[A-Za-z0-9_-]{8,128}$/.test(token);

export const wsUrl = () => (location.protocol === 'https:' ? 'wss' : 'ws') + '://' + location.host + '/ws/' + joinToken();

export function adoptJoinPath(path) {
  const token = path.split('/').filter(Boolean).pop() || '';
  if (!path.startsWith('/') || !isToken(token) || token === joinToken()) return;
  const move = moveTo(token);
  mergeStored();
  carryOver(move, state.secret);
  persistAll();
  dropOld(move, 'items', state.items);
  try {
    const moved = location.pathname.replace(/[^/]*\/?$/, token);
    history.replaceState(history.state, '', moved + location.search + location.hash);
  } catch (_) {
    // The address bar keeps the old link; the page still talks to the new one.
  }
}

const probe = { timer: null, tokens: PROBE_BURST, refilledAt: Date.now() };

function refill(now) {
  const earned = Math.floor((now - probe.refilledAt) / PROBE_REFILL_MS);
  if (earned <= 0) return;
  probe.tokens = Math.min(PROBE_BURST, probe.tokens + earned);
  probe.refilledAt = probe.tokens === PROBE_BURST ? now : probe.refilledAt + earned * PROBE_REFILL_MS;
}

/** Check soon whether this page's address still answers; if it is gone for good, mark it and call onGone. */
export function probeSoon(onGone) {
  if (probe.timer) return;
  const now = Date.now();
  refill(now);
  const wait = probe.tokens >= 1 ? 0 : probe.refilledAt + PROBE_REFILL_MS - now;
  probe.timer = setTimeout(() => probeNow(onGone), wait + Math.random() * PROBE_JITTER_MS);
}

function probeNow(onGone) {
  probe.timer = null;
  refill(Date.now());
  probe.tokens = Math.max(0, probe.tokens - 1);
  const path = location.pathname;
  fetch(path, { cache: 'no-store', credentials: 'same-origin', redirect: 'error' })
    // The body is read to its end (a few KB), so that the request completes rather than lingers.
    .then((response) => response.arrayBuffer().then(() => response.status))
    .then((status) => {
      if (status !== 404 || location.pathname !== path) return;
      state.link.gone = true;
      onGone();
    })
    .catch(() => {
      // Offline for a moment: the websocket notices that on its own.
    });
}
