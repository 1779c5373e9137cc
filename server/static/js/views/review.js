// Review: the team's open actions from earlier retros, each with how it went.

import { $, el, formatDate, keyed, setText, show, userText } from '../dom.js';
import { state } from '../state.js';

const OUTCOMES = { done: 'Done', carried_over: 'Carried over', dropped: 'Dropped', open: 'Not yet reviewed' };

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
  const signature = JSON.stringify(item);
  if (row.signature === signature) return;
  row.signature = signature;
  row.root.dataset.outcome = item.outcome;
  setText(row.outcome, OUTCOMES[item.outcome]);
  setText(row.text, item.text);
  row.meta.replaceChildren(userText(item.owner), ' · due ' + formatDate(item.due));
  const from = [item.from_title, formatDate(item.from_date)].filter(Boolean).join(', ');
  row.from.replaceChildren('From ', userText(from));
  show(row.from, Boolean(from));
}

export function render() {
  const board = state.board;
  const inReview = Boolean(board) && board.phase === 'review';
  show($('review'), inReview);
  if (!inReview) return;
  show($('review-empty'), board.review.length === 0);
  keyed($('review-list'), board.review, (item) => item.ref, createItem, updateItem);
}
