// Review: the team's open actions from earlier retros, each with how it went.

import { $, el, formatDate, formatMean, keyed, replaceIfChanged, setText, show, t, tNodes, userText } from '../dom.js';
import { state } from '../state.js';

function createItem() {
  const row = {
    outcome: el('span', { class: 'badge', 'data-testid': 'outcome' }),
    text: el('p', { class: 'review-text', dir: 'auto' }),
    meta: el('p', { class: 'meta' }),
    from: el('p', { class: 'meta from' }),
  };
  row.root = el('li', { class: 'card review-item', 'data-testid': 'review-item' }, el('div', { class: 'review-head' }, row.outcome), row.text, row.meta, row.from);
  return row;
}

function updateItem(row, item) {
  const signature = JSON.stringify([item, t('action.meta')]);
  if (row.signature === signature) return;
  row.signature = signature;
  row.root.dataset.outcome = item.outcome;
  setText(row.outcome, t('review.outcome.' + item.outcome));
  setText(row.text, item.text);
  row.meta.replaceChildren(...tNodes('action.meta', { owner: userText(item.owner), date: formatDate(item.due) }));
  const from = [item.from_title, formatDate(item.from_date)].filter(Boolean).join(', ');
  row.from.replaceChildren(...tNodes('review.from', { source: userText(from) }));
  show(row.from, Boolean(from));
}

// The latest pulse beside the actions: a question's mean only where enough people answered it.
function renderPulse(pulse) {
  const box = $('review-pulse');
  show(box, Boolean(pulse));
  if (!pulse) return;
  replaceIfChanged(box, JSON.stringify([pulse, t('review.pulse_too_few')]), () => [
    el('p', { class: 'review-pulse-title', text: t('review.pulse_title', { week: pulse.week, n: pulse.answered }) }),
    el('ul', { class: 'review-pulse-list' }, ...pulse.summaries.map((summary) => el('li', {},
      userText(summary.text), ' ',
      el('strong', { text: summary.mean === null ? t('review.pulse_too_few') : t('score.of', { mean: formatMean(summary.mean), high: summary.high }) }),
    ))),
  ]);
}

export function render() {
  const board = state.board;
  const inReview = Boolean(board) && board.phase === 'review';
  show($('review'), inReview);
  if (!inReview) return;
  renderPulse(board.pulse);
  show($('review-empty'), board.review.length === 0);
  keyed($('review-list'), board.review, (item) => item.ref, createItem, updateItem);
}
