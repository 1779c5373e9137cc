// One of this phone's own items, in its prompt's "Yours" list: its state, Withdraw, and, when the
// facilitator has held it, the notice only this phone can read, with a box to rewrite it.

import { ownItemStatus } from '../derived.js';
import { el, icon, prefersStillness, setAttr, setText, show, t, tNodes } from '../dom.js';
import { cancelRewrite, openRewrite, sendRewrite, typeRewrite, withdrawItem } from '../intents.js';
import { state } from '../state.js';
import { composerParts, sendOnCtrlEnter, updateComposer } from './composer.js';

const PAUSE = 'M12 2a10 10 0 1 0 0 20 10 10 0 0 0 0-20Zm-3 6h2v8H9V8Zm4 0h2v8h-2V8Z';
/** A preset reason comes sealed as this mark and its code (retro/hold_reasons.py); anything else is the
 * facilitator's own words, which no control character can be part of. */
const PRESET_MARK = '\u0001';

/** Why the facilitator held an item, as its author reads it: a preset in the phone's language, or the
 * facilitator's own words as written. */
function heldReason(sealed) {
  if (!sealed.startsWith(PRESET_MARK)) return sealed;
  return t('hold.reason.' + sealed.slice(PRESET_MARK.length));
}

export function buildMineRow(item) {
  const msgId = item.msg_id;
  const button = (testid, primary = false) =>
    el('button', { type: 'button', class: 'button ' + (primary ? 'primary' : 'quiet'), 'data-testid': testid });
  const row = {
    text: el('p', { class: 'mine-text', dir: 'auto' }),
    state: el('span', { class: 'mine-state' }),
    rewrite: button('rewrite'),
    withdraw: button('withdraw'),
    reason: el('strong', { class: 'held-reason', 'data-testid': 'held-reason', dir: 'auto' }),
    stop: el('span'),
    textarea: el('textarea', {
      id: 'rewrite-' + msgId,
      class: 'compose rewrite-text',
      'data-testid': 'rewrite-text',
      dir: 'auto',
      rows: 3,
      'aria-describedby': 'rewrite-counter-' + msgId + ' rewrite-too-long-' + msgId,
      autocomplete: 'off',
    }),
    parts: { ...composerParts('rewrite-', msgId), button: button('rewrite-send', true) },
    cancel: button('rewrite-cancel'),
    editorLabel: el('label', { class: 'rewrite-label' }),
    heldTitle: el('span'),
    heldText: el('p', { class: 'held-text' }),
  };
  row.rewrite.hidden = true;
  row.editorLabel.setAttribute('for', row.textarea.id);
  const { nudge, tooLong, counter } = row.parts;
  row.editor = el(
    'div',
    { class: 'rewrite', hidden: true },
    row.editorLabel,
    row.textarea,
    nudge,
    tooLong,
    el('div', { class: 'rewrite-row' }, counter, row.cancel, row.parts.button),
  );
  row.held = el(
    'div',
    { class: 'held', 'data-testid': 'held', hidden: true },
    el('p', { class: 'held-title' }, icon('held-icon', 16, PAUSE), row.heldTitle),
    row.heldText,
    row.editor,
  );
  row.root = el(
    'li',
    { class: 'mine-item', 'data-testid': 'mine' },
    row.text,
    row.held,
    el('div', { class: 'mine-meta' }, row.state, el('div', { class: 'mine-buttons' }, row.rewrite, row.withdraw)),
  );
  const send = () => {
    if (!sendRewrite(msgId, row.textarea.value)) row.textarea.focus();
  };
  row.withdraw.addEventListener('click', () => withdrawItem(msgId));
  row.rewrite.addEventListener('click', () => openRewrite(msgId));
  row.cancel.addEventListener('click', () => cancelRewrite(msgId));
  row.parts.button.addEventListener('click', send);
  row.textarea.addEventListener('input', () => typeRewrite(msgId, row.textarea.value));
  sendOnCtrlEnter(row.textarea, send);
  return row;
}

function statusLine(item, status) {
  const ready = state.link.ready;
  if (!item.acked) return t(ready ? 'mine.sending' : 'mine.waiting');
  if (status.withdrawing) return t(ready ? 'mine.withdrawing' : 'mine.withdraws_later');
  if (status.rewriting) return t(ready ? 'mine.rewriting' : 'mine.rewrites_later');
  return '';
}

export function updateMineRow(row, item, limit) {
  const status = ownItemStatus(item);
  setText(row.text, item.text);
  setText(row.state, statusLine(item, status));
  row.root.classList.toggle('pending', !item.acked || status.withdrawing || status.rewriting);
  row.root.classList.toggle('held-item', status.held);
  setAttr(row.root, 'data-held', status.held ? 'true' : null);
  setText(row.withdraw, t('mine.withdraw'));
  setText(row.rewrite, t('mine.rewrite'));
  setText(row.cancel, t('mine.cancel'));
  setText(row.parts.button, t('mine.send_rewrite'));
  setText(row.editorLabel, t('mine.rewrite_label'));
  setAttr(row.withdraw, 'aria-label', t('mine.withdraw_aria', { text: item.text }));
  row.withdraw.disabled = !item.acked || !item.item_id || status.withdrawing;
  show(row.held, status.held);
  if (status.held) {
    setText(row.heldTitle, t('mine.held_title'));
    const reason = heldReason(status.reason);
    setText(row.reason, reason || t('mine.no_reason'));
    setText(row.stop, /[.!?…。؟]$/.test(reason) ? '' : t('mine.full_stop'));
    const signature = JSON.stringify([reason, t('mine.held_text')]);
    if (row.heldText.dataset.signature !== signature) {
      row.heldText.dataset.signature = signature;
      row.heldText.replaceChildren(...tNodes('mine.held_text', { reason: el('span', null, row.reason, row.stop) }));
    }
  }
  if (status.editing && row.editor.hidden) {
    const draft = state.rewriteDrafts[item.item_id];
    row.textarea.value = draft !== undefined ? draft : item.text;
  }
  show(row.editor, status.editing);
  show(row.rewrite, status.held && !status.editing);
  setAttr(row.rewrite, 'aria-label', t('mine.rewrite_aria', { text: item.text }));
  if (status.editing) updateComposer(row.parts, row.textarea, limit);
}

/** Focus asked for by key: "rewrite:<msg>" is the rewrite box, "held:<msg>" the held item itself. */
export function focusMineRow(row, kind) {
  if (kind === 'rewrite') {
    row.textarea.focus();
    return;
  }
  const target = row.rewrite.hidden ? row.root : row.rewrite;
  if (target === row.root) row.root.setAttribute('tabindex', '-1');
  row.root.scrollIntoView({ block: 'center', behavior: prefersStillness() ? 'auto' : 'smooth' });
  target.focus({ preventScroll: true });
}
