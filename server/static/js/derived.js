// What derives from state, for views and intents alike. This phone's dots and answers are the server's
// word (the `private` message) plus what is still on its way, so that a tap shows at once and survives a
// reconnect; its own items, which of them are held, and the order the page lists prompts in.

import { worded } from './dom.js';
import { pendingCommands, sending } from './outbox.js';
import { state } from './state.js';

export const votesPerPerson = () => (state.board ? state.board.votes_per_person : 0);
export const capPerTopic = () => (state.board ? state.board.max_votes_per_topic : 0);

export function pendingVotes() {
  const delta = new Map();
  let total = 0;
  for (const command of pendingCommands()) {
    const step = command.kind === 'cast_vote' ? 1 : command.kind === 'retract_vote' ? -1 : 0;
    if (!step) continue;
    delta.set(command.topic_id, (delta.get(command.topic_id) || 0) + step);
    total += step;
  }
  return { delta, total };
}

export function myVotesOn(topicId, pending) {
  const mine = state.priv ? state.priv.my_votes.get(topicId) || 0 : 0;
  return Math.max(0, mine + (pending.delta.get(topicId) || 0));
}

export function dotsLeft(pending) {
  const budget = votesPerPerson();
  const confirmed = state.priv && state.priv.dots_left !== null ? state.priv.dots_left : budget;
  return Math.min(budget, Math.max(0, confirmed - pending.total));
}

/** The latest of this phone's answers of one kind still on its way, else the server's, else null. */
function myAnswer(matches, confirmed) {
  let value = null;
  for (const command of pendingCommands()) {
    if (matches(command)) value = command.value;
  }
  return value !== null ? value : confirmed;
}

export function myCheckIn(questionId) {
  const confirmed = state.priv ? state.priv.my_check_in.get(questionId) : undefined;
  return myAnswer((c) => c.kind === 'answer_check_in' && c.question_id === questionId, confirmed === undefined ? null : confirmed);
}

export const myRoti = () => myAnswer((c) => c.kind === 'answer_roti', state.priv ? state.priv.my_roti : null);

/** What "Not sent" lists: drafts left once writing has closed, and text the server refused. */
export function unsentEntries() {
  if (!state.board) return [];
  const entries = [];
  if (state.board.phase !== 'write') {
    for (const [promptId, text] of Object.entries(state.drafts)) {
      if (text.trim()) entries.push({ kind: 'draft', promptId, text });
    }
  }
  state.rescued.forEach((r, index) => entries.push({ kind: 'rescued', promptId: r.prompt_id, text: r.text, index }));
  return entries;
}

export const hasWritten = () => state.wrote || state.items.some((it) => it.acked && it.item_id);

/** This phone's items that reached the board, by item_id. */
export function ownRevealedItems() {
  return new Map(state.items.filter((it) => it.acked && it.item_id).map((it) => [it.item_id, it]));
}

/** The featured prompt ("What's the learning here?") first, then the rest in the template's order. */
export function orderedPrompts(board) {
  const featured = board.prompts.filter((p) => p.prompt_id === board.featured_prompt);
  return featured.concat(board.prompts.filter((p) => p.prompt_id !== board.featured_prompt));
}

/** A prompt as the phone shows it: in the phone's language where the template carries a translation. */
export const promptWording = (prompt) => worded(prompt, ['text', 'hint']);

export function promptText(promptId) {
  const prompt = state.board ? state.board.prompts.find((p) => p.prompt_id === promptId) : null;
  return prompt ? promptWording(prompt).text : '';
}

export const currentTopicId = (board) => (board.phase === 'discuss' && board.discussion ? board.discussion.topic_id : '');

/** Where one of this phone's items stands: on its way, held (and why), being rewritten. */
export function ownItemStatus(item) {
  const withdrawing = Boolean(item.item_id) && sending('withdraw_item', { item_id: item.item_id });
  const rewriting = Boolean(item.item_id) && sending('rewrite_item', { item_id: item.item_id });
  const reason = item.item_id && state.held.has(item.item_id) ? state.held.get(item.item_id) : null;
  const held = reason !== null && !withdrawing && !rewriting;
  const editing = held && (state.editing.has(item.item_id) || typeof state.rewriteDrafts[item.item_id] === 'string');
  return { withdrawing, rewriting, reason, held, editing };
}

/** This phone's held items as the Write page lists them: by prompt, featured first. */
export function heldItemsShown() {
  if (!state.board || state.board.phase !== 'write') return [];
  return orderedPrompts(state.board).flatMap((p) =>
    state.items.filter((it) => it.prompt_id === p.prompt_id && ownItemStatus(it).held),
  );
}

/** name: null when unclaimed, else the name given (maybe empty); canClaim: the button shows; sending: on its way. */
export function claimStateOf(itemId, own) {
  const board = state.board;
  const name = board.claims.has(itemId) ? board.claims.get(itemId) : null;
  const mine = own.has(itemId);
  const onItsWay = mine && sending('claim_item', { item_id: itemId });
  const canClaim = board.phase === 'discuss' && mine && name === null && !state.claimedHere.has(itemId);
  return { name, canClaim, sending: onItsWay };
}
