// Private reflection: the three closing questions, for the phone's holder alone. Never sent, never
// stored; still there after the end for anyone in the middle of writing.

import { $, el, fitHeight, keyed, setText, show, t } from '../dom.js';
import { reflect } from '../intents.js';
import { state } from '../state.js';

const CLOSING_QUESTIONS = 3;

function buildQuestion(question, index) {
  const id = 'reflect-' + index;
  const area = el('textarea', {
    id,
    class: 'compose reflection',
    'data-testid': 'reflection',
    dir: 'auto',
    rows: 3,
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder: t('reflect.placeholder'),
  });
  area.value = state.reflections.get(question) || '';
  area.addEventListener('input', () => {
    reflect(question, area.value);
    fitHeight(area);
  });
  const label = el('label', { class: 'reflect-label', for: id, dir: 'auto' });
  return { root: el('div', { class: 'reflect-q' }, label, area), label, area };
}

export function render() {
  const board = state.board;
  const visible = Boolean(board) && (board.phase === 'close' || (board.phase === 'ended' && state.closingQuestions.length > 0));
  show($('reflect'), visible);
  if (!visible) return;
  keyed($('reflect-list'), state.closingQuestions, (question, index) => index + '\n' + question, buildQuestion, (made, question, index) => {
    // The three closing questions are the product's own: worded by the catalogue, in their order.
    setText(made.label, index < CLOSING_QUESTIONS ? t('reflect.question.' + (index + 1)) : question);
    made.area.placeholder = t('reflect.placeholder');
  });
}
