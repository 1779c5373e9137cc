// Ended: the thank-you first, with the totals; and, once the host has moved on, a quiet note saying so.

import { $, el, formatMean, digits, keyed, show, t } from '../dom.js';
import { state } from '../state.js';

function totals(board) {
  const rows = [
    { key: 'topics', term: t('ended.topics'), value: digits(board.topics.length) },
    { key: 'actions', term: t('ended.actions'), value: digits(board.actions.length) },
  ];
  const roti = board.roti;
  if (roti) {
    rows.push(
      roti.shown
        ? { key: 'roti', term: t('ended.worth'), value: t('score.of', { mean: formatMean(roti.mean), high: roti.high }), note: t('answered.count', { n: roti.answered }), wide: true }
        : { key: 'roti', term: t('ended.worth'), value: t('answered.count', { n: roti.answered }), note: t('ended.too_few'), wide: true },
    );
  }
  return rows;
}

const createRow = () => el('div', { class: 'total-row' });

function updateRow(node, row) {
  const signature = JSON.stringify(row);
  if (node.dataset.signature === signature) return;
  node.dataset.signature = signature;
  node.classList.toggle('wide', Boolean(row.wide));
  const note = row.note ? el('span', { class: 'total-note', text: row.note }) : null;
  node.replaceChildren(el('dt', { text: row.term }), el('dd', { text: row.value }, note));
}

export function render() {
  const board = state.board;
  const ended = Boolean(board) && board.phase === 'ended';
  show($('ended'), ended);
  if (!ended) return;
  show($('ended-note'), state.link.closed);
  keyed($('ended-totals'), totals(board), (row) => row.key, createRow, updateRow);
}
