// The error toast: what went wrong, until it is dismissed or a few seconds pass.

import { $, show } from '../dom.js';
import { dismissError } from '../intents.js';
import { state } from '../state.js';

$('error-close').addEventListener('click', dismissError);

let shown = 0;

export function render() {
  const banner = $('error');
  const error = state.ui.error;
  // A repeat of the same message is written again, so that it is read out again.
  if (error !== null && shown !== state.ui.errors) banner.textContent = error;
  shown = state.ui.errors;
  show(banner, error !== null);
  show($('error-close'), error !== null);
}
