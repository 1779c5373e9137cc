// Check-in: anonymous scales, with the summary shown only once enough people answered.

import { myCheckIn } from '../derived.js';
import { $, el, keyed, setText, show, t, tNodes, userText, worded } from '../dom.js';
import { answerCheckIn } from '../intents.js';
import { sending } from '../outbox.js';
import { buildScale, describeValue, markChosen, renderSummary } from '../parts/scale.js';
import { state } from '../state.js';

function buildCard(asked) {
  const q = wording(asked);
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
          el('span', null, ...(q.low_label ? tNodes('scale.end', { value: q.low, label: userText(q.low_label) }) : [])),
          el('span', null, ...(q.high_label ? tNodes('scale.end', { value: q.high, label: userText(q.high_label) }) : [])),
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

/** The motivation question is the product's own, worded by the catalogue; the template's carry their translations. */
function wording(q) {
  if (q.question_id !== 'motivation') return worded(q, ['text', 'low_label', 'high_label']);
  return { ...q, text: t('question.motivation.text'), low_label: t('question.motivation.low'), high_label: t('question.motivation.high') };
}

/** A question is rebuilt only when the question itself, or its wording, changes. */
const questionKey = (asked) => {
  const q = wording(asked);
  return JSON.stringify([q.question_id, q.text, q.low, q.high, q.low_label, q.high_label]);
};

export function render() {
  const board = state.board;
  const inCheckIn = Boolean(board) && board.phase === 'check_in';
  show($('checkin'), inCheckIn);
  if (!inCheckIn) return;
  const k = board.min_responses;
  setText($('checkin-note'), t('checkin.note', { n: k }));
  keyed($('question-list'), board.questions, questionKey, buildCard, (card, q) => {
    const onItsWay = sending('answer_check_in', { question_id: q.question_id });
    markChosen(card.buttons, card.low, myCheckIn(q.question_id), onItsWay);
    renderSummary(card.summary, board.check_in.find((s) => s.question_id === q.question_id), 'summary.spoken_answers');
  });
}
