// While any of this phone's items is held, a banner stays at the top and takes the author to it: the
// notice inside an item's card is easy to miss from elsewhere on the page.

import { heldItemsShown } from '../derived.js';
import { $, setText, show, t } from '../dom.js';
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
  setText($('held-banner-text'), t('held.banner', { n: count }));
  setText($('held-banner-show'), t(count === 1 ? 'held.show_it' : 'held.show_next'));
}
