// The connection pill at the top: Connected, Connecting…, Reconnecting…, or Ended.

import { $, setText, t } from '../dom.js';
import { state } from '../state.js';

function label(link) {
  if (link.ready) return 'connected';
  if (link.closed) return 'ended';
  if (link.everReady) return 'reconnecting';
  return 'connecting';
}

export function render() {
  const node = $('status');
  const key = label(state.link);
  setText(node, t('status.' + key));
  node.dataset.state = key;
}
