// The polite live region that tells screen readers what changed: a new phase, a held item, a rewrite in.

import { $, setText } from '../dom.js';
import { state } from '../state.js';

let announced = 0;

export function render() {
  if (announced === state.ui.announcements) return;
  announced = state.ui.announcements;
  const node = $('announcer');
  const text = state.ui.announcement;
  // Emptied first and filled a moment later, so that the same sentence twice is read out twice.
  setText(node, '');
  setTimeout(() => setText(node, text), 60);
}
