// "Say this one was yours?": the opt-in dialog, in Discuss, for one of this phone's own items, after
// saying what it means. Cancel, Escape or the back gesture close it and nothing is sent.

import { ownRevealedItems } from '../derived.js';
import { $, setText } from '../dom.js';
import { closeClaim, confirmClaim } from '../intents.js';
import { state } from '../state.js';

const dialog = $('claim-dialog');
const name = $('claim-name');

function confirm() {
  confirmClaim(name.value.trim().slice(0, name.maxLength > 0 ? name.maxLength : undefined));
}

$('claim-cancel').addEventListener('click', closeClaim);
$('claim-confirm').addEventListener('click', confirm);
name.addEventListener('keydown', (event) => {
  if (event.key === 'Enter') {
    event.preventDefault();
    confirm();
  }
});
dialog.addEventListener('close', () => {
  if (state.ui.claiming !== null) closeClaim();
});

export function render() {
  const itemId = state.ui.claiming;
  const item = itemId && state.board && state.board.phase === 'discuss' ? ownRevealedItems().get(itemId) : undefined;
  if (!item) {
    if (dialog.open && typeof dialog.close === 'function') dialog.close();
    else if (dialog.open) dialog.removeAttribute('open');
    return;
  }
  if (dialog.open) return;
  setText($('claim-item'), item.text);
  name.value = '';
  if (typeof dialog.showModal === 'function') dialog.showModal();
  else dialog.setAttribute('open', '');
}
