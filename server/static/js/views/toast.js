// The error toast, and the polite announcer that tells screen readers what changed.

import { $, setText, show } from '../dom.js';
import { dismissError } from '../intents.js';
import { state } from '../state.js';

$('error-close').addEventListener('click', dismissError);

let errorsShown = 0;
let announced = 0;

export function render() {
  const banner = $('error');
  const error = state.ui.error;
  // A repeat of the same message is written again, so that it is read out again.
  if (error !== null && errorsShown !== state.ui.errors) banner.textContent = error;
  errorsShown = state.ui.errors;
  show(banner, error !== null);
  show($('error-close'), error !== null);
  if (announced === state.ui.announcements) return;
  announced = state.ui.announcements;
  const node = $('announcer');
  setText(node, '');
  const text = state.ui.announcement;
  setTimeout(() => setText(node, text), 60);
}
