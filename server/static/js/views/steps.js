// The stepper: one small numbered dot per phase, the current one with its label in full.

import { $, el, digits, keyed, setAttr, setText, t } from '../dom.js';
import { state } from '../state.js';

function createStep() {
  return el(
    'li',
    { class: 'step' },
    el('span', { class: 'step-num', 'aria-hidden': 'true' }),
    el('span', { class: 'step-label' }),
    el('span', { class: 'sr-only step-state' }),
  );
}

export function render() {
  const board = state.board;
  if (!board) return;
  const list = $('steps');
  const shown = board.steps.slice();
  let currentIndex = shown.findIndex((s) => s.phase === board.phase);
  if (currentIndex < 0) {
    // Ended follows the last step: every step is done, and the end shows as a step of its own.
    shown.push({ phase: board.phase, final: true });
    currentIndex = shown.length - 1;
  }
  keyed(list, shown, (step) => step.phase, createStep, (li, step, index) => {
    const current = index === currentIndex;
    const done = index < currentIndex;
    const [num, label, spoken] = li.children;
    setText(num, step.final || done ? '✓' : digits(index + 1));
    setText(label, t('phase.' + step.phase + '.label'));
    setText(spoken, current ? t('steps.now') : done ? t('steps.done') : '');
    li.classList.toggle('done', done);
    li.classList.toggle('current', current);
    li.classList.toggle('final', Boolean(step.final));
    label.classList.toggle('sr-only', !current);
    setAttr(li, 'aria-current', current ? 'step' : null);
    setAttr(li, 'data-testid', current ? 'phase' : null);
  });
  // With large text the row may scroll sideways: keep the current step in view when it changes.
  const nav = list.parentNode;
  // A row that scrolls must be reachable by keyboard to be scrolled (axe: scrollable-region-focusable).
  setAttr(nav, 'tabindex', nav.scrollWidth > nav.clientWidth ? '0' : null);
  const currentLi = list.children[currentIndex];
  if (currentLi && nav.dataset.phase !== board.phase) {
    nav.dataset.phase = board.phase;
    if (nav.scrollWidth > nav.clientWidth) {
      // Centre it by how far it sits from the middle: right to left too, where scrollLeft runs from 0 down
      // to minus the overflow. (scrollIntoView would also scroll the page up to the header.)
      const step = currentLi.getBoundingClientRect();
      const row = nav.getBoundingClientRect();
      nav.scrollLeft += step.left + step.width / 2 - (row.left + row.width / 2);
    }
  }
}
