// A text box for an item or a rewrite: its live length count, the plain "too long" message, the blame
// nudge and its send button. Long text is never cut, and never sent as it is.

import { el, fitHeight, replaceIfChanged, setAttr, setText, show, t, tNodes } from '../dom.js';
import { nudgeFor } from '../nudge.js';
import { charCount } from '../text.js';

/** The parts a composer shows besides its box and button; the box is described by the counter and the message. */
export function composerParts(prefix, suffix) {
  return {
    nudge: el('p', { class: 'nudge', 'data-testid': prefix + 'nudge', 'aria-live': 'polite', hidden: true }),
    counter: el('span', { class: 'counter', id: prefix + 'counter-' + suffix, 'aria-live': 'polite' }),
    tooLong: el('p', { class: 'too-long', id: prefix + 'too-long-' + suffix, 'data-testid': prefix + 'too-long', hidden: true }),
  };
}

/** Short on screen ("720 too many"), whole when read out ("720 characters too many"). */
const counted = (n) => tNodes('composer.over', { n, unit: el('span', { class: 'sr-only', text: t('composer.unit', { n }) }) });

function showLength(parts, textarea, limit) {
  const length = charCount(textarea.value);
  const left = limit - length;
  const over = left < 0;
  const near = length >= limit - 60;
  const words = over ? t('composer.over', { n: -left, unit: t('composer.unit', { n: -left }) }) : near ? t('composer.left', { n: left }) : '';
  replaceIfChanged(parts.counter, words, () => (over ? counted(-left) : near ? [words] : []));
  parts.counter.classList.toggle('low', left <= 20);
  parts.counter.classList.toggle('over', over);
  const news = over && parts.tooLong.hidden;
  setText(parts.tooLong, over ? t('composer.too_long', { n: limit, over: -left }) : '');
  show(parts.tooLong, over);
  setAttr(textarea, 'aria-invalid', over ? 'true' : null);
  // A long paste fills the box and pushes the message and the button under it out of sight: bring them
  // into view, once, after the browser has scrolled to the caret.
  if (news && document.activeElement === textarea) {
    requestAnimationFrame(() => parts.button.parentNode.scrollIntoView({ block: 'nearest' }));
  }
  return over;
}

/** Bring a composer up to date with its box: parts are {nudge, counter, tooLong, button}. */
export function updateComposer(parts, textarea, limit) {
  const suggestion = nudgeFor(textarea.value);
  setText(parts.nudge, suggestion);
  show(parts.nudge, suggestion !== '');
  const over = showLength(parts, textarea, limit);
  parts.button.disabled = textarea.value.trim() === '' || over;
  fitHeight(textarea);
}

/** Ctrl+Enter (or ⌘+Enter) in the box does what the button does. */
export function sendOnCtrlEnter(textarea, send) {
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send();
    }
  });
}
