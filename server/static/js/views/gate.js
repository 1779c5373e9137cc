// Turned away at the door (joining locked, or a replaced link): a calm full page instead of the retro,
// until the server lets this phone in. It is then the page's one main landmark.

import { $, setText, show, t } from '../dom.js';
import { tryAgain } from '../intents.js';
import { state } from '../state.js';

$('gate-retry').addEventListener('click', tryAgain);

export function render() {
  const gate = state.link.gate;
  const body = document.body;
  if ((body.dataset.gate || '') !== (gate || '')) {
    if (gate) body.dataset.gate = gate;
    else delete body.dataset.gate;
    if (gate) window.scrollTo(0, 0);
  }
  show($('gate-locked'), gate === 'locked');
  show($('gate-expired'), gate === 'expired');
  show($('main'), !gate);
  const retry = $('gate-retry');
  const checking = gate === 'locked' && state.link.checking;
  retry.disabled = checking;
  setText(retry, t(checking ? 'gate.checking' : 'gate.retry'));
}
