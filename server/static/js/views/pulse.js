// A pulse: the questions as big scales, one open question, Send; after the close, the results behind the
// threshold and what the team did. Nothing about anyone else's answers shows before the close.

import { sha256Hex } from '../crypto.js';
import { $, el, formatDate, formatDateTime, keyed, replaceIfChanged, setText, show, t, tNodes, userText } from '../dom.js';
import { pickPulse, sendPulse, typePulse } from '../intents.js';
import { buildCommentBox, updateCommentBox } from '../parts/comment-box.js';
import { buildScale, describeValue, markChosen, renderSummary } from '../parts/scale.js';
import { state } from '../state.js';

// The built-in bank's English words (retro/pulse/bank.py, and the defaults in retro/pulse/questions.py), each
// known by its fingerprint: the first 16 hex digits of its SHA-256. A phone fetches only its own catalogue,
// so the English is not at hand to compare with; and only words that are still the bank's are translated:
// a team's own question under a built-in id, or its own scale ends, show as written.
const BANK = {
  'say-in-how': '0430ad2e269b7f6d',
  'trusted-to-decide': '1008861562dd557d',
  'room-to-improve': '60b84f317c8f3451',
  'part-of-team': '99281c592a52e71c',
  'valued-as-person': '993dc2405ed528e7',
  included: 'c46329dc310f308d',
  'makes-a-difference': '2a5c033f0da473a7',
  'use-my-skills': '5290fb1329003758',
  learning: '8be03e2657a47476',
  'manageable-load': '71da0457af44badd',
  breaks: '2e36cc58f9b99b6d',
  'time-to-do-well': 'e1e59e4e008188fd',
  'help-when-needed': '78d8495c73a24b77',
  'manager-cares': '2780356a4a1295fe',
  'tools-work': '446c460e16f17a9d',
  'safe-to-speak': 'd3e3cb6a29b2b37b',
  'mistakes-learning': '88abdfd47bbf15d4',
  heard: 'e0a434c963024c61',
};
const SCALE_LOW = '18d0fbea78214413';
const SCALE_HIGH = 'd470821a249f3399';
const WHAT_WOULD_HELP = 'b1dff6e798ac92e9';

const fingerprints = new Map();

function isBanks(text, fingerprint) {
  if (typeof text !== 'string' || !fingerprint) return false;
  if (!fingerprints.has(text)) fingerprints.set(text, sha256Hex(text).slice(0, 16));
  return fingerprints.get(text) === fingerprint;
}

/** The motivation question is the product's own, worded by the catalogue (as in a retro's check-in); the
 * bank's statements and the default scale ends are worded by the catalogue while they are the bank's. */
function wording(q) {
  if (q.question_id === 'motivation') {
    return { ...q, text: t('question.motivation.text'), low_label: t('question.motivation.low'), high_label: t('question.motivation.high') };
  }
  const banks = Object.prototype.hasOwnProperty.call(BANK, q.question_id) && isBanks(q.text, BANK[q.question_id]);
  return {
    ...q,
    text: banks ? t('pulse.q.' + q.question_id) : q.text,
    low_label: isBanks(q.low_label, SCALE_LOW) ? t('pulse.scale.low') : q.low_label,
    high_label: isBanks(q.high_label, SCALE_HIGH) ? t('pulse.scale.high') : q.high_label,
  };
}

/** The open question's words: the default "What would help?" by the catalogue, a team's own as written. */
const freeWording = (question) => (isBanks(question.text, WHAT_WOULD_HELP) ? t('pulse.free.help') : question.text);

function cardKey(asked) {
  const q = wording(asked);
  return [q.question_id, q.text, q.low_label, q.high_label].join('\n');
}

function buildQuestion(asked) {
  const q = wording(asked);
  const headingId = 'pulse-q-' + q.question_id;
  const scale = el('div', { class: 'scale', role: 'group', 'aria-labelledby': headingId });
  const buttons = buildScale(scale, q.low, q.high, 'pulse-' + q.question_id + '-', describeValue(q), (value) => pickPulse(q.question_id, value));
  const labels = el('div', { class: 'scale-labels', 'aria-hidden': 'true' }, el('span', null, userText(q.low_label)), el('span', null, userText(q.high_label)));
  const summary = el('div', { class: 'summary', 'data-testid': 'pulse-summary-' + q.question_id });
  const root = el('div', { class: 'card question', 'data-testid': 'pulse-question-' + q.question_id },
    el('h2', { class: 'question-text', id: headingId, dir: 'auto', text: q.text }), scale, labels, summary);
  return { root, scale, labels, buttons, summary, low: q.low };
}

/** After the close: the histogram and mean where enough answered, else only how many. */
function renderResult(node, result) {
  if (result && result.shown) {
    renderSummary(node, result, 'summary.spoken_answers');
    return;
  }
  const answered = result ? result.answered : 0;
  const words = t('pulse.too_few', { n: answered });
  replaceIfChanged(node, words, () => [el('p', { class: 'summary-count', text: words })]);
}

function updateQuestion(card, q) {
  const closed = state.pulse.closed;
  show(card.scale, !closed);
  show(card.labels, !closed);
  markChosen(card.buttons, card.low, state.pulseDraft.values.get(q.question_id) ?? null, false);
  show(card.summary, closed);
  if (closed) {
    const results = state.pulse.results;
    renderResult(card.summary, results ? results.summaries.find((s) => s.question_id === q.question_id) : null);
  }
}

/** The open question's box, made once: what the phone types stays put across renders. */
let free = null;

function renderResults(pulse) {
  const results = pulse.results;
  const comments = results && results.comments;
  show($('pulse-comments'), Boolean(comments));
  setText($('pulse-comments-title'), t('pulse.comments_title', { question: pulse.free_text ? freeWording(pulse.free_text) : t('pulse.comments') }));
  if (comments) keyed($('pulse-comment-list'), comments, (c, index) => index + c.text, (c) => el('li', { class: 'card', dir: 'auto', text: c.text }), () => {});
  const unshown = results && !comments && results.comments_written > 0;
  setText($('pulse-few-comments'), unshown ? t('pulse.few_comments', { n: results.comments_written }) : '');
  show($('pulse-few-comments'), Boolean(unshown));
  setText($('pulse-done-note'), results
    ? t('pulse.answered', { n: results.answered }) + ' ' + t('pulse.threshold', { n: pulse.min_responses })
    : '');
}

function renderActions(pulse) {
  show($('pulse-actions'), pulse.actions.length > 0);
  keyed($('pulse-action-list'), pulse.actions, (a) => a.text + a.due, (a) => el('li', { class: 'card' }), (node, a) => {
    const action = tNodes('pulse.action', { text: userText(a.text), owner: userText(a.owner), date: formatDate(a.due) });
    const status = a.status === 'done' || a.status === 'dropped' ? t('pulse.status.' + a.status) : '';
    node.replaceChildren(...(status ? tNodes('pulse.action_status', { action: el('span', null, ...action), status }) : action));
  });
}

function closesLine(pulse) {
  if (pulse.closed) return t('pulse.closed');
  const when = pulse.closes_at === null ? '' : formatDateTime(new Date(pulse.closes_at), { weekday: 'short', hour: '2-digit', minute: '2-digit' });
  return t('pulse.intro') + (when ? ' ' + t('pulse.open_until', { when }) : '');
}

export function render() {
  const pulse = state.pulse;
  show($('pulse'), Boolean(pulse));
  if (!pulse) return;
  document.body.dataset.phase = pulse.closed ? 'pulse-closed' : 'pulse';
  setText($('title'), pulse.title);
  document.title = t('app.doc_title_pulse', { title: pulse.title });
  setText($('team'), pulse.team || t('app.pulse'));
  setText($('anon-note'), t('header.anon_pulse'));
  setText($('instruction'), closesLine(pulse));
  keyed($('pulse-questions'), pulse.questions, cardKey, buildQuestion, updateQuestion);
  const open = !pulse.closed;
  show($('pulse-free'), open && Boolean(pulse.free_text));
  if (open && pulse.free_text && !free) {
    free = buildCommentBox(pulse.free_text, state.pulseDraft.text, typePulse);
    $('pulse-free').replaceChildren(free.root);
  }
  if (free && pulse.free_text) free.question = freeWording(pulse.free_text);
  const tooLong = free !== null && open && updateCommentBox(free, state.pulseDraft.text, pulse.max_comment_chars);
  const draft = state.pulseDraft;
  const button = $('pulse-send');
  show(button, open);
  if (!button.dataset.wired) {
    button.dataset.wired = 'yes';
    button.addEventListener('click', sendPulse);
  }
  const nothing = draft.values.size === 0 && draft.text.trim() === '';
  button.disabled = nothing || tooLong || state.outbox.some((m) => m.pulse);
  setText($('pulse-sent'), open && draft.sent ? t('pulse.sent') : '');
  show($('pulse-results'), !open);
  if (!open) renderResults(pulse);
  renderActions(pulse);
}
