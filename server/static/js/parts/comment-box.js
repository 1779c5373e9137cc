// A pulse's open question: its box, the kind blame nudge as on items, and the plain "too long" message.
// The text is never cut; too long, it is not sent.

import { el, setAttr, setText, show, t } from '../dom.js';
import { nudgeFor } from '../nudge.js';
import { charCount } from '../text.js';

/** The box and its notes, labelled by the question; `onInput` gets the text as typed. */
export function buildCommentBox(question, value, onInput) {
  const box = el('textarea', {
    class: 'pulse-text',
    id: 'pulse-text',
    rows: '3',
    dir: 'auto',
    'data-testid': 'pulse-text',
    'aria-describedby': 'pulse-too-long',
    autocomplete: 'off',
  });
  box.value = value;
  box.addEventListener('input', () => onInput(box.value));
  const nudge = el('p', { class: 'nudge', 'data-testid': 'pulse-nudge', 'aria-live': 'polite', hidden: true });
  const tooLong = el('p', { class: 'too-long', id: 'pulse-too-long', 'data-testid': 'pulse-too-long', hidden: true });
  const label = el('label', { class: 'question-text', for: 'pulse-text', dir: 'auto' });
  return { box, nudge, tooLong, label, question: question.text, root: el('div', { class: 'card question' }, label, box, tooLong, nudge) };
}

/** Bring the notes up to date with the text; true when it is too long to send. */
export function updateCommentBox(parts, value, limit) {
  if (parts.box.value !== value) parts.box.value = value;
  setText(parts.label, t('pulse.optional', { question: parts.question }));
  const suggestion = nudgeFor(value);
  setText(parts.nudge, suggestion);
  show(parts.nudge, suggestion !== '');
  const over = charCount(value) - limit;
  setText(parts.tooLong, over > 0 ? t('pulse.too_long', { n: limit, over }) : '');
  show(parts.tooLong, over > 0);
  setAttr(parts.box, 'aria-invalid', over > 0 ? 'true' : null);
  return over > 0;
}
