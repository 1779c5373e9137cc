// Write: one card per prompt, the featured one first, each with its text box and this phone's own items.

import { orderedPrompts, promptWording } from '../derived.js';
import { $, el, keyed, setAttr, setText, show, t } from '../dom.js';
import { addItem, typeDraft } from '../intents.js';
import { composerParts, sendOnCtrlEnter, updateComposer } from '../parts/composer.js';
import { buildMineRow, focusMineRow, updateMineRow } from '../parts/mine-row.js';
import { state } from '../state.js';

function buildPromptCard(prompt) {
  const id = prompt.prompt_id;
  const parts = composerParts('', id);
  parts.button = el('button', { type: 'button', class: 'button primary', 'data-testid': 'add-' + id });
  const card = {
    parts,
    textarea: el('textarea', {
      id: 'text-' + id,
      class: 'compose',
      'data-testid': 'text-' + id,
      dir: 'auto',
      rows: 3,
      'aria-describedby': (prompt.hint ? 'hint-' + id + ' ' : '') + parts.counter.id + ' ' + parts.tooLong.id,
      autocomplete: 'off',
      enterkeyhint: 'enter',
    }),
    label: el('label', { for: 'text-' + id, id: 'label-' + id, dir: 'auto' }),
    tag: el('span', { class: 'tag' }),
    hint: el('p', { class: 'hint', id: 'hint-' + id, dir: 'auto' }),
    count: el('p', { class: 'count' }),
    mineList: el('ul', { class: 'mine-list' }),
  };
  card.mineTitle = el('h3', { class: 'mine-title' });
  card.mine = el('div', { class: 'mine', hidden: true }, card.mineTitle, card.mineList);
  card.root = el(
    'section',
    { class: 'card prompt', 'data-testid': 'prompt-' + id, 'aria-labelledby': card.label.id },
    el('div', { class: 'prompt-head' }, el('h2', { class: 'prompt-title' }, card.label), card.tag),
    card.hint,
    card.textarea,
    parts.tooLong,
    parts.nudge,
    el('div', { class: 'compose-row' }, card.count, parts.counter, parts.button),
    card.mine,
  );
  const add = () => {
    if (!addItem(id)) card.textarea.focus();
  };
  card.textarea.addEventListener('input', () => typeDraft(id, card.textarea.value));
  sendOnCtrlEnter(card.textarea, add);
  parts.button.addEventListener('click', add);
  return card;
}

/** The rows this view draws, by the msg_id of their item: where focus requests are answered. */
const rows = new Map();

function updatePromptCard(card, asked, board) {
  const prompt = promptWording(asked);
  const id = prompt.prompt_id;
  const featured = id === board.featured_prompt;
  card.root.classList.toggle('featured', featured);
  show(card.tag, featured);
  setText(card.tag, t('write.start_here'));
  setText(card.parts.button, t('write.add'));
  setAttr(card.textarea, 'placeholder', t('write.placeholder'));
  setText(card.mineTitle, t('write.yours'));
  setText(card.label, prompt.text);
  setText(card.hint, prompt.hint);
  show(card.hint, prompt.hint !== '');
  setAttr(card.parts.button, 'aria-label', t('write.add_to', { prompt: prompt.text }));
  const draft = state.drafts[id] || '';
  if (card.textarea.value !== draft) card.textarea.value = draft;
  updateComposer(card.parts, card.textarea, board.max_item_chars);
  const n = board.counts.get(id) || 0;
  setText(card.count, n === 0 ? t('write.none_yet') : t('write.count', { n }));
  const mine = state.items.filter((it) => it.prompt_id === id);
  show(card.mine, mine.length > 0);
  keyed(
    card.mineList,
    mine,
    (item) => item.msg_id,
    (item) => {
      const row = buildMineRow(item);
      rows.set(item.msg_id, row);
      return row;
    },
    (row, item) => updateMineRow(row, item, board.max_item_chars),
  );
}

/** Focus asked for by an intent ("compose:<prompt>", "rewrite:<msg>", "held:<msg>"), once it is drawn. */
function answerFocus(cards) {
  const request = state.ui.focus;
  if (!request) return;
  state.ui.focus = null;
  const [kind, id] = [request.key.slice(0, request.key.indexOf(':')), request.key.slice(request.key.indexOf(':') + 1)];
  if (kind === 'compose' && cards.has(id)) cards.get(id).textarea.focus();
  else if (rows.has(id) && rows.get(id).root.isConnected) focusMineRow(rows.get(id), kind);
}

const cards = new Map();

export function render() {
  const board = state.board;
  const section = $('write');
  const inWrite = Boolean(board) && board.phase === 'write';
  show(section, inWrite);
  if (!inWrite) {
    // Gone with the phase: a later Write starts from the drafts, not from stale boxes.
    keyed(section, [], () => '', null, null);
    cards.clear();
    rows.clear();
    state.ui.focus = null;
    return;
  }
  const prompts = orderedPrompts(board);
  keyed(
    section,
    prompts,
    (prompt) => prompt.prompt_id,
    (prompt) => {
      const card = buildPromptCard(prompt);
      cards.set(prompt.prompt_id, card);
      return card;
    },
    (card, prompt) => updatePromptCard(card, prompt, board),
  );
  for (const [msgId, row] of rows) if (!row.root.isConnected) rows.delete(msgId);
  for (const [id, card] of cards) if (!card.root.isConnected) cards.delete(id);
  answerFocus(cards);
}
