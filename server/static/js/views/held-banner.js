// While any of this phone's items is held, a banner stays at the top and takes the author to it: the
// notice inside an item's card is easy to miss from elsewhere on the page.

import { heldItemsShown } from '../derived.js';
import { $, setText, show } from '../dom.js';
import { showHeld } from '../intents.js';

let shownNext = 0;

$('held-banner-show').addEventListener('click', () => {
  const held = heldItemsShown();
  if (held.length) showHeld(held[shownNext++ % held.length].msg_id);
});

export function render() {
  const count = heldItemsShown().length;
  show($('held-banner'), count > 0);
  if (count === 0) return;
  const which = count === 1 ? 'one of your items' : count + ' of your items';
  setText($('held-banner-text'), 'The facilitator has held ' + which + '. Only you see this.');
  setText($('held-banner-show'), count === 1 ? 'Show it' : 'Show the next');
}
