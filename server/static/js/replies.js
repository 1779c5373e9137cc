// Replies: every message from the server, turned into state. Nothing here touches the DOM or the socket;
// receive() tells the connection what, if anything, it has to do.

import { applyPatch, readBoardMessage, readPrivate, readPulse, readPulseMine, versionOf } from './board.js';
import { openHeldNotices } from './crypto.js';
import { adoptRetroDefault, t } from './i18n.js';
import { adoptJoinPath } from './link.js';
import { announce, showError } from './notices.js';
import { take } from './outbox.js';
import { changed, forgetRewrite, noteWritten, persist, rescue, state } from './state.js';
import { keepTicking } from './timer.js';

const SETTLE_MS = 2000;
/** Commands whose effect shows in the `private` message, which follows the ack a moment later. */
const SETTLES = new Set(['cast_vote', 'retract_vote', 'answer_check_in', 'answer_roti']);

/** The codes the server may send (server/protocol.py ERROR_CODES), each with a sentence in the catalogue. */
const ERROR_CODES = new Set([
  'malformed', 'unknown_type', 'invalid', 'too_large', 'rate_limited', 'hello_first', 'already_joined', 'protocol',
  'forbidden', 'closed', 'joining_locked', 'expired_link', 'full', 'not_found', 'limit', 'internal',
  'wrong_phase', 'not_owner', 'no_dots_left',
]);
const text = (value) => (typeof value === 'string' ? value : '');
export const endedHere = () => Boolean(state.board) && state.board.phase === 'ended';

/**
 * Returns 'welcomed', 'closed' (turned away after the end), 'slow-down' (rate limited), 'resync' (a board
 * version went missing: ask for the whole board), or null.
 */
export function receive(message) {
  switch (message.type) {
    case 'welcome':
      adoptJoinPath(text(message.join_path));
      state.wire = null; // this connection's first board comes next
      Object.assign(state.link, { ready: true, everReady: true, gate: null, gone: false });
      changed();
      return 'welcomed';
    case 'board':
      state.wire = versionOf(message);
      onBoard(message);
      return null;
    case 'patch':
      return onPatch(message);
    case 'private':
      onPrivate(message);
      return null;
    case 'pulse':
      state.pulse = readPulse(message.pulse);
      changed();
      return null;
    case 'pulse_mine':
      onPulseMine(message);
      return null;
    case 'ack':
      onAck(message);
      return null;
    case 'error':
      return onError(message);
    default:
      return null;
  }
}

function onBoard(message) {
  const arrived = readBoardMessage(message);
  if (!arrived) return;
  const { board } = arrived;
  if (arrived.server_time !== null) state.clockOffset = arrived.server_time - Date.now();
  adoptJoinPath(arrived.join_path);
  const before = state.board ? state.board.phase : null;
  state.board = board;
  if (board.closing_questions.length) state.closingQuestions = board.closing_questions;
  const held = openHeldNotices(state.items, arrived.notice_nonce, arrived.held_notices);
  if ([...held.keys()].some((id) => !state.held.has(id))) {
    announce(t('announce.held'));
  }
  state.held = held;
  if (before !== null && before !== board.phase) {
    const phase = 'phase.' + board.phase;
    announce(t('announce.phase', { phase: t(phase + '.label'), instruction: t(phase + '.instruction') }));
  }
  adoptRetroDefault(board.lang);
  keepTicking();
  changed();
}

function onPatch(message) {
  const applied = applyPatch(state.wire, message);
  if (applied === 'gap') {
    state.wire.behind = true; // patches are ignored until the whole board comes back
    return 'resync';
  }
  if (applied) {
    state.wire = applied.wire;
    onBoard(applied.message);
  }
  return null;
}

function onPrivate(message) {
  const priv = readPrivate(message.private);
  if (!priv) return;
  state.priv = priv;
  for (const entry of state.settling) clearTimeout(entry.timer);
  state.settling = [];
  changed();
}

function onPulseMine(message) {
  const mine = readPulseMine(message.answers);
  if (mine.values.size || mine.text) state.pulseDraft = { ...mine, sent: true };
  changed();
}

function onAck(ack) {
  const message = take(ack.id);
  if (!message) return;
  if (message.pulse) {
    state.pulseDraft.sent = true;
    announce(t('pulse.sent'));
    changed();
    return;
  }
  const command = message.command;
  if (command.kind === 'add_item') {
    const item = state.items.find((it) => it.msg_id === ack.id);
    if (item && typeof ack.item_id === 'string' && ack.item_id) {
      item.item_id = ack.item_id;
      item.acked = true;
      noteWritten();
    } else if (item) {
      // A repeat of an add whose item has since gone: nothing left to show.
      state.items = state.items.filter((it) => it !== item);
    }
    persist('items');
  } else if (command.kind === 'withdraw_item') {
    state.items = state.items.filter((it) => it.item_id !== command.item_id);
    persist('items');
    forgetRewrite(command.item_id);
  } else if (command.kind === 'rewrite_item') {
    const item = state.items.find((it) => it.item_id === command.item_id);
    if (item) {
      item.text = command.text;
      persist('items');
    }
    // No longer held; the next board says so too (and would say if it were held again).
    state.held.delete(command.item_id);
    forgetRewrite(command.item_id);
    announce(t('announce.rewrite_in'));
  } else if (command.kind === 'claim_item') {
    state.claimedHere.add(command.item_id);
  } else if (SETTLES.has(command.kind) && ack.duplicate !== true) {
    const entry = { command, timer: 0 };
    entry.timer = setTimeout(() => {
      state.settling = state.settling.filter((s) => s !== entry);
      changed();
    }, SETTLE_MS);
    state.settling.push(entry);
  }
  changed();
}

function onError(error) {
  const code = text(error.code);
  if (!state.link.ready && (code === 'joining_locked' || code === 'expired_link')) {
    // Turned away at the door; the server closes the socket next. A calm page, not an error; and after
    // the end, the ended page itself.
    if (endedHere()) return 'closed';
    state.link.gate = code === 'joining_locked' ? 'locked' : 'expired';
    changed();
    return null;
  }
  // A refusal carries the message's id whenever the server could read it; this page always sends one.
  const id = text(error.id);
  const message = id && code !== 'rate_limited' ? take(id) : null;
  if (message && message.command) giveBack(message.command, code, id);
  // The server's `message` is English for other clients; a phone says the catalogue's sentence for the code.
  showError(t(ERROR_CODES.has(code) ? 'error.' + code : 'error.unknown'));
  return code === 'rate_limited' ? 'slow-down' : null;
}

/** A refused command's text goes back where it was typed, or to "Not sent": never lost. */
function giveBack(command, code, id) {
  const inWrite = Boolean(state.board) && state.board.phase === 'write';
  if (command.kind === 'add_item') {
    const item = state.items.find((it) => it.msg_id === id);
    state.items = state.items.filter((it) => it.msg_id !== id);
    persist('items');
    const promptId = command.prompt_id;
    const typed = item ? item.text : command.text;
    const hasBox = inWrite && state.board.prompts.some((p) => p.prompt_id === promptId);
    if (hasBox && (state.drafts[promptId] || '').trim() === '') {
      state.drafts[promptId] = typed;
      persist('drafts');
    } else {
      rescue(promptId, typed);
    }
  } else if (command.kind === 'withdraw_item' && (code === 'not_found' || code === 'not_owner')) {
    state.items = state.items.filter((it) => it.item_id !== command.item_id);
    persist('items');
  } else if (command.kind === 'rewrite_item') {
    // The rewrite stays in its box to try again, or goes to "Not sent" once writing has closed.
    const item = state.items.find((it) => it.item_id === command.item_id);
    if (item && inWrite && state.held.has(command.item_id)) {
      state.rewriteDrafts[command.item_id] = command.text;
      persist('rewriteDrafts');
      state.editing.add(command.item_id);
    } else {
      forgetRewrite(command.item_id);
      rescue(item ? item.prompt_id : '', command.text);
    }
  }
}
