// Private reflection: the three closing questions, for the phone's holder alone. Never sent, never
// stored; still there after the end for anyone in the middle of writing.

import { $, el, fitHeight, keyed, show } from '../dom.js';
import { reflect } from '../intents.js';
import { state } from '../state.js';

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
    placeholder: 'A few words, for yourself',
  });
  area.value = state.reflections.get(question) || '';
  area.addEventListener('input', () => {
    reflect(question, area.value);
    fitHeight(area);
  });
  return el('div', { class: 'reflect-q' }, el('label', { class: 'reflect-label', for: id, dir: 'auto', text: question }), area);
}

export function render() {
  const board = state.board;
  const visible = Boolean(board) && (board.phase === 'close' || (board.phase === 'ended' && state.closingQuestions.length > 0));
  show($('reflect'), visible);
  if (!visible) return;
  keyed($('reflect-list'), state.closingQuestions, (question, index) => index + '\n' + question, buildQuestion, () => {});
}
