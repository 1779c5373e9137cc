// What the person holding the phone can do. Views call these; each changes state (and queues a command
// in the outbox when the server must hear of it), and the scheduler draws the result.

import { capPerTopic, dotsLeft, myCheckIn, myRoti, myVotesOn, ownRevealedItems, pendingVotes } from './derived.js';
import { newMessageId, newSecret, sha256Hex } from './crypto.js';
import { chooseLanguage, t } from './i18n.js';
import { hideError, showError } from './notices.js';
import { enqueue, send, sending } from './outbox.js';
import { changed, forgetRewrite, persist, state } from './state.js';
import { charCount, isBlank } from './text.js';

export { hideError as dismissError };

const phaseIs = (phase) => Boolean(state.board) && state.board.phase === phase;
const tooLong = (text) => charCount(text) > (state.board ? state.board.max_item_chars : Infinity);
const ownItem = (msgId) => state.items.find((it) => it.msg_id === msgId);

/** Ask that focus go to what a view draws under this key, once it is drawn. */
function focusOn(key, scroll = false) {
  state.ui.focus = { key, scroll };
  changed();
}

export function typeDraft(promptId, text) {
  state.drafts[promptId] = text;
  persist('drafts');
  changed();
}

/** Add the prompt's draft as an item. False when it cannot go as it is (focus stays in the box). */
export function addItem(promptId) {
  const text = (state.drafts[promptId] || '').trim();
  if (!text || tooLong(text)) return false;
  if (isBlank(text)) {
    showError(t('error.empty_item'));
    return false;
  }
  const secret = newSecret();
  const item = { item_id: null, secret, prompt_id: promptId, text, msg_id: newMessageId(), acked: false };
  // The item is saved before the message leaves, so that an ack can always find it.
  state.items.push(item);
  persist('items');
  state.drafts[promptId] = '';
  persist('drafts');
  enqueue({ id: item.msg_id, command: { kind: 'add_item', prompt_id: promptId, text, owner_hash: sha256Hex(secret) } });
  return true;
}

export function withdrawItem(msgId) {
  const item = ownItem(msgId);
  if (!item || !item.item_id || sending('withdraw_item', { item_id: item.item_id })) return;
  send({ kind: 'withdraw_item', item_id: item.item_id, item_secret: item.secret });
}

export function openRewrite(msgId) {
  const item = ownItem(msgId);
  if (!item || !item.item_id) return;
  state.editing.add(item.item_id);
  focusOn('rewrite:' + msgId);
}

export function cancelRewrite(msgId) {
  const item = ownItem(msgId);
  if (item && item.item_id) forgetRewrite(item.item_id);
  changed();
}

export function typeRewrite(msgId, text) {
  const item = ownItem(msgId);
  if (!item || !item.item_id) return;
  state.rewriteDrafts[item.item_id] = text;
  persist('rewriteDrafts');
  changed();
}

/** Send a held item's rewrite. False when it cannot go as it is (focus stays in the box). */
export function sendRewrite(msgId, typed) {
  const item = ownItem(msgId);
  if (!item || !item.item_id || !state.held.has(item.item_id)) return true;
  const text = typed.trim();
  if (tooLong(text)) return false;
  if (!text || isBlank(text)) {
    showError(t('error.empty_rewrite'));
    return false;
  }
  if (sending('rewrite_item', { item_id: item.item_id })) return true;
  // The draft stays until the ack, so that a refusal can put it back in the box.
  state.rewriteDrafts[item.item_id] = text;
  persist('rewriteDrafts');
  state.editing.delete(item.item_id);
  send({ kind: 'rewrite_item', item_id: item.item_id, item_secret: item.secret, text });
  return true;
}

/** Bring one of this phone's held items into view, with focus on what the author can do about it. */
export const showHeld = (msgId) => focusOn('held:' + msgId, true);

export function castVote(topicId, kind) {
  if (!phaseIs('vote')) return;
  const pending = pendingVotes();
  const mine = myVotesOn(topicId, pending);
  if (kind === 'cast_vote' && (dotsLeft(pending) <= 0 || mine >= capPerTopic())) return;
  if (kind === 'retract_vote' && mine <= 0) return;
  send({ kind, topic_id: topicId });
}

export function answerCheckIn(questionId, value) {
  if (!phaseIs('check_in') || myCheckIn(questionId) === value) return;
  send({ kind: 'answer_check_in', question_id: questionId, value });
}

export function answerRoti(value) {
  if (!phaseIs('close') || myRoti() === value) return;
  send({ kind: 'answer_roti', value });
}

/** A private reflection: kept in memory for this page only, never sent, never stored. */
export function reflect(question, text) {
  state.reflections.set(question, text);
}

export function openClaim(itemId) {
  if (!ownRevealedItems().has(itemId) || !phaseIs('discuss')) return;
  state.ui.claiming = itemId;
  changed();
}

export function closeClaim() {
  state.ui.claiming = null;
  changed();
}

/** "That was me, happy to talk", for the item in the open dialog, with an optional first name. */
export function confirmClaim(name) {
  const itemId = state.ui.claiming;
  const item = itemId ? ownRevealedItems().get(itemId) : null;
  closeClaim();
  if (!item || !phaseIs('discuss')) return;
  if (state.board.claims.has(itemId) || state.claimedHere.has(itemId) || sending('claim_item', { item_id: itemId })) return;
  send({ kind: 'claim_item', item_id: itemId, item_secret: item.secret, name: isBlank(name) ? '' : name });
}

/** Put text that was not sent back into its prompt's box, after whatever is there. */
export function putBack(index) {
  const entry = state.rescued[index];
  if (!entry || !phaseIs('write') || !state.board.prompts.some((p) => p.prompt_id === entry.prompt_id)) return;
  const current = (state.drafts[entry.prompt_id] || '').trim();
  const combined = current ? current + '\n' + entry.text : entry.text;
  if (tooLong(combined)) {
    showError(t('error.box_full'));
    return;
  }
  state.drafts[entry.prompt_id] = combined;
  persist('drafts');
  state.rescued.splice(index, 1);
  persist('rescued');
  focusOn('compose:' + entry.prompt_id);
}

export function discardDraft(promptId) {
  state.drafts[promptId] = '';
  persist('drafts');
  changed();
}

export function discardRescued(index) {
  state.rescued.splice(index, 1);
  persist('rescued');
  changed();
}

/** The person picked a language on the switcher: this phone remembers it. */
export const pickLanguage = (code) => chooseLanguage(code);

/** Knock again now, from the page at the door (the connection listens). */
export const tryAgain = () => document.dispatchEvent(new Event('retro:try-again'));

/** A pulse: pick a value on a question's scale; nothing is sent until Send. */
export function pickPulse(questionId, value) {
  if (!state.pulse || state.pulse.closed) return;
  state.pulseDraft.values.set(questionId, value);
  state.pulseDraft.sent = false;
  changed();
}

export function typePulse(text) {
  state.pulseDraft.text = text;
  state.pulseDraft.sent = false;
  changed();
}

/** Send this phone's answers; they replace any it sent before, until the pulse closes. */
export function sendPulse() {
  if (!state.pulse || state.pulse.closed) return;
  const answers = [...state.pulseDraft.values].map(([questionId, value]) => ({ question_id: questionId, value }));
  const words = state.pulseDraft.text.trim();
  if (words && state.pulse.free_text) answers.push({ question_id: state.pulse.free_text.question_id, text: words });
  if (answers.length === 0) return;
  enqueue({ id: newMessageId(), pulse: answers });
}
