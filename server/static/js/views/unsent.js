// Not sent: drafts left when writing closed, and text the server refused. Only on this phone; copy it,
// put it back in its box (while writing), or discard it.

import { promptText, unsentEntries } from '../derived.js';
import { $, el, keyed, setAttr, setText, show, t } from '../dom.js';
import { discardDraft, discardRescued, putBack } from '../intents.js';
import { state } from '../state.js';

function createEntry() {
  const row = {
    prompt: el('p', { class: 'item-prompt', dir: 'auto' }),
    text: el('p', { class: 'item-text selectable', dir: 'auto' }),
    putBack: el('button', { type: 'button', class: 'button quiet' }),
    discard: el('button', { type: 'button', class: 'button quiet' }),
    entry: null,
  };
  row.putBack.addEventListener('click', () => putBack(row.entry.index));
  row.discard.addEventListener('click', () => (row.entry.kind === 'draft' ? discardDraft(row.entry.promptId) : discardRescued(row.entry.index)));
  row.root = el('li', { class: 'card unsent-item' }, row.prompt, row.text, el('div', { class: 'unsent-buttons' }, row.putBack, row.discard));
  return row;
}

function updateEntry(row, entry, inWrite) {
  row.entry = entry;
  setText(row.prompt, promptText(entry.promptId));
  setText(row.text, entry.text);
  show(row.putBack, inWrite && entry.kind === 'rescued');
  setText(row.putBack, t('unsent.put_back'));
  setText(row.discard, t('unsent.discard'));
  setAttr(row.putBack, 'aria-label', t('unsent.put_back_aria', { text: entry.text }));
  setAttr(row.discard, 'aria-label', t('unsent.discard_aria', { text: entry.text }));
}

export function render() {
  const board = state.board;
  const inWrite = Boolean(board) && board.phase === 'write';
  const entries = unsentEntries();
  show($('unsent'), entries.length > 0);
  const key = (entry, index) => entry.kind + ':' + (entry.kind === 'draft' ? entry.promptId : index);
  keyed($('unsent-list'), entries, key, createEntry, (row, entry) => updateEntry(row, entry, inWrite));
}
