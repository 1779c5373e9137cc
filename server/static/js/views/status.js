// The connection pill at the top: Connected, Connecting…, Reconnecting…, or Ended.

import { $, setText } from '../dom.js';
import { state } from '../state.js';

function label(link) {
  if (link.ready) return ['Connected', 'connected'];
  if (link.closed) return ['Ended', 'ended'];
  if (link.everReady) return ['Reconnecting…', 'reconnecting'];
  return ['Connecting…', 'connecting'];
}

export function render() {
  const node = $('status');
  const [text, key] = label(state.link);
  setText(node, text);
  node.dataset.state = key;
}
