// The discussion timer, on the server's clock: how long is left, and a wake-up each time the shown
// second changes.

import { changed, state } from './state.js';

/** Milliseconds left on the discussion timer, against the server's clock; null when none runs. */
export function remainingMs() {
  const board = state.board;
  if (!board || board.phase !== 'discuss' || !board.discussion || board.discussion.ends_at === null) return null;
  return board.discussion.ends_at - (Date.now() + state.clockOffset);
}

let wake = null;

export function keepTicking() {
  clearTimeout(wake);
  wake = null;
  const remaining = remainingMs();
  if (remaining === null || remaining <= 0) return;
  const seconds = Math.ceil(remaining / 1000);
  wake = setTimeout(() => {
    changed();
    keepTicking();
  }, remaining - (seconds - 1) * 1000 + 15);
}
