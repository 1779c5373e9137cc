// A pulse: the questions as big scales, one open question, Send; after the close, the results behind the
// threshold and what the team did. Nothing about anyone else's answers shows before the close.

import { $, el, formatDate, keyed, plural, setText, show, userText } from '../dom.js';
import { pickPulse, sendPulse, typePulse } from '../intents.js';
import { buildScale, describeValue, markChosen, renderSummary } from '../parts/scale.js';
import { state } from '../state.js';

function buildQuestion(q) {
  const headingId = 'pulse-q-' + q.question_id;
  const scale = el('div', { class: 'scale', role: 'group', 'aria-labelledby': headingId });
  const buttons = buildScale(scale, q.low, q.high, 'pulse-' + q.question_id + '-', describeValue(q), (value) => pickPulse(q.question_id, value));
  const labels = el('div', { class: 'scale-labels', 'aria-hidden': 'true' }, el('span', null, userText(q.low_label)), el('span', null, userText(q.high_label)));
  const summary = el('div', { class: 'summary', 'data-testid': 'pulse-summary-' + q.question_id });
  const root = el('div', { class: 'card question', 'data-testid': 'pulse-question-' + q.question_id },
    el('h2', { class: 'question-text', id: headingId, dir: 'auto', text: q.text }), scale, labels, summary);
  return { root, buttons, summary, low: q.low };
}

function updateQuestion(card, q) {
  const closed = state.pulse.closed;
  for (const button of card.buttons) button.disabled = closed;
  markChosen(card.buttons, card.low, state.pulseDraft.values.get(q.question_id) ?? null, false);
  show(card.summary, closed);
  if (closed) {
    const result = state.pulse.results ? state.pulse.results.summaries.find((s) => s.question_id === q.question_id) : null;
    renderSummary(card.summary, result || null, 'Answers');
  }
}

let box = null;

function freeText(question) {
  if (!box) {
    box = el('textarea', { class: 'pulse-text', id: 'pulse-text', rows: '3', dir: 'auto', 'data-testid': 'pulse-text' });
    box.addEventListener('input', () => typePulse(box.value));
    box.value = state.pulseDraft.text;
  }
  return el('div', { class: 'card question' },
    el('label', { class: 'question-text', for: 'pulse-text', text: question.text + ' (optional)' }), box);
}

function renderResults(pulse) {
  const results = pulse.results;
  const comments = results && results.comments;
  show($('pulse-comments'), Boolean(comments));
  if (comments) keyed($('pulse-comment-list'), comments, (c, index) => index + c.text, (c) => el('li', { class: 'card', dir: 'auto', text: c.text }), () => {});
  setText($('pulse-done-note'), results
    ? plural(results.answered, '1 person answered.', results.answered + ' people answered.') + ' Results show only where at least ' + pulse.min_responses + ' answered.'
    : '');
}

function renderActions(pulse) {
  show($('pulse-actions'), pulse.actions.length > 0);
  keyed($('pulse-action-list'), pulse.actions, (a) => a.text + a.due, (a) => el('li', { class: 'card' }), (node, a) => {
    node.replaceChildren(userText(a.text), ' — ', userText(a.owner), ', due ' + formatDate(a.due) + (a.status === 'open' ? '' : ' · ' + a.status));
  });
}

export function render() {
  const pulse = state.pulse;
  show($('pulse'), Boolean(pulse));
  if (!pulse) return;
  document.body.dataset.phase = pulse.closed ? 'pulse-closed' : 'pulse';
  setText($('title'), pulse.title);
  document.title = pulse.title + ' · Pulse';
  setText($('team'), pulse.team || 'Pulse');
  setText($('anon-note'), 'Anonymous: nobody, the facilitator included, can see who answered what.');
  setText($('instruction'), pulse.closed ? 'This pulse has closed. Thank you.' : 'Takes under a minute. Answer what you like, then Send.');
  keyed($('pulse-questions'), pulse.questions, (q) => q.question_id, buildQuestion, updateQuestion);
  const open = !pulse.closed;
  show($('pulse-free'), open && Boolean(pulse.free_text));
  if (open && pulse.free_text && !$('pulse-free').firstChild) $('pulse-free').replaceChildren(freeText(pulse.free_text));
  const draft = state.pulseDraft;
  const button = $('pulse-send');
  show(button, open);
  if (!button.dataset.wired) {
    button.dataset.wired = 'yes';
    button.addEventListener('click', sendPulse);
  }
  button.disabled = draft.values.size === 0 || state.outbox.some((m) => m.pulse);
  setText($('pulse-sent'), open && draft.sent ? 'Thank you. You can change your answers until the pulse closes.' : '');
  show($('pulse-results'), !open);
  if (!open) renderResults(pulse);
  renderActions(pulse);
}
