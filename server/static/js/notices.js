// The toast for errors and the polite announcements for screen readers, as state: views draw them.

import { changed, state } from './state.js';

const ERROR_VISIBLE_MS = 9000;
let errorTimer = null;

export function showError(text) {
  state.ui.error = text;
  state.ui.errors += 1;
  clearTimeout(errorTimer);
  errorTimer = setTimeout(hideError, ERROR_VISIBLE_MS);
  changed();
}

export function hideError() {
  clearTimeout(errorTimer);
  state.ui.error = null;
  changed();
}

export function announce(text) {
  state.ui.announcement = text;
  state.ui.announcements += 1;
  changed();
}
