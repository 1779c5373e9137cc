// Check-in: anonymous scales, with the summary shown only once enough people answered.

import { myCheckIn } from '../derived.js';
import { $, el, keyed, plural, setText, show, userText } from '../dom.js';
import { answerCheckIn } from '../intents.js';
import { sending } from '../outbox.js';
import { buildScale, describeValue, markChosen, renderSummary } from '../parts/scale.js';
import { state } from '../state.js';

function buildCard(q) {
  const id = q.question_id;
  const headingId = 'q-' + id;
  const scale = el('div', { class: 'scale', role: 'group', 'aria-labelledby': headingId });
  const buttons = buildScale(scale, q.low, q.high, 'answer-' + id + '-', describeValue(q), (value) => answerCheckIn(id, value));
  const summary = el('div', { class: 'summary', 'data-testid': 'summary-' + id, 'aria-live': 'polite' });
  const labels =
    q.low_label || q.high_label
      ? el(
          'div',
          { class: 'scale-labels', 'aria-hidden': 'true' },
          el('span', null, ...(q.low_label ? [q.low + ' · ', userText(q.low_label)] : [])),
          el('span', null, ...(q.high_label ? [q.high + ' · ', userText(q.high_label)] : [])),
        )
      : null;
  const root = el(
    'div',
    { class: 'card question', 'data-testid': 'question-' + id },
    el('h2', { class: 'question-text', id: headingId, dir: 'auto', text: q.text }),
    scale,
    labels,
    summary,
  );
  return { root, buttons, summary, low: q.low };
}

/** A question is rebuilt only when the question itself changes. */
const questionKey = (q) => JSON.stringify([q.question_id, q.text, q.low, q.high, q.low_label, q.high_label]);

export function render() {
  const board = state.board;
  const inCheckIn = Boolean(board) && board.phase === 'check_in';
  show($('checkin'), inCheckIn);
  if (!inCheckIn) return;
  const k = board.min_responses;
  setText($('checkin-note'), 'Anonymous — only counts are shown, and only once at least ' + k + ' ' + plural(k, 'person has', 'people have') + ' answered.');
  keyed($('question-list'), board.questions, questionKey, buildCard, (card, q) => {
    const onItsWay = sending('answer_check_in', { question_id: q.question_id });
    markChosen(card.buttons, card.low, myCheckIn(q.question_id), onItsWay);
    renderSummary(card.summary, board.check_in.find((s) => s.question_id === q.question_id), 'Answers');
  });
}
