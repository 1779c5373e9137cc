// The page's own words in index.html, from the catalogue: each element names its message by id
// (data-i18n for its text, data-i18n-aria-label and data-i18n-placeholder for those attributes).
// Drawn again only when the words change.

import { setAttr, setText, t, wordsVersion } from '../dom.js';

const ATTRIBUTES = ['aria-label', 'placeholder'];
let drawn = -1;

export function render() {
  if (drawn === wordsVersion()) return;
  drawn = wordsVersion();
  for (const node of document.querySelectorAll('[data-i18n]')) setText(node, t(node.dataset.i18n));
  for (const name of ATTRIBUTES) {
    for (const node of document.querySelectorAll('[data-i18n-' + name + ']')) setAttr(node, name, t(node.getAttribute('data-i18n-' + name)));
  }
}
