// Ended: the thank-you first, with the totals; and, once the host has moved on, a quiet note saying so.

import { $, el, formatMean, keyed, show } from '../dom.js';
import { state } from '../state.js';

function totals(board) {
  const rows = [
    { term: 'Topics', value: String(board.topics.length) },
    { term: 'Actions', value: String(board.actions.length) },
  ];
  const roti = board.roti;
  if (roti) {
    rows.push(
      roti.shown
        ? { term: 'Worth the time', value: formatMean(roti.mean) + ' of ' + roti.high, note: roti.answered + ' answered', wide: true }
        : { term: 'Worth the time', value: roti.answered + ' answered', note: 'Too few to show a score', wide: true },
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
  keyed($('ended-totals'), totals(board), (row) => row.term, createRow, updateRow);
}
