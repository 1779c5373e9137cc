// The phone's state: what the server last said, what this phone keeps (loaded once, checked once), and
// what the page is showing. Whoever changes it calls changed(); the scheduler draws the views from it.

import { changed } from './scheduler.js';
import { load, participantSecret, save } from './storage.js';

export { changed };

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const isText = (value) => typeof value === 'string';

function ownItem(it) {
  if (!isObject(it) || !isText(it.msg_id) || !isText(it.secret) || !isText(it.text)) return null;
  const itemId = isText(it.item_id) && it.item_id ? it.item_id : null;
  const promptId = isText(it.prompt_id) ? it.prompt_id : '';
  return { item_id: itemId, secret: it.secret, prompt_id: promptId, text: it.text, msg_id: it.msg_id, acked: it.acked === true };
}

const outboxMessage = (m) =>
  isObject(m) && isText(m.id) && ((isObject(m.command) && isText(m.command.kind)) || Array.isArray(m.pulse)) ? m : null;

function rescuedText(r) {
  return isObject(r) && isText(r.text) ? { prompt_id: isText(r.prompt_id) ? r.prompt_id : '', text: r.text } : null;
}

const listOf = (value, check) => (Array.isArray(value) ? value.map(check).filter(Boolean) : []);
const textsOf = (value) => (isObject(value) ? Object.fromEntries(Object.entries(value).filter(([, text]) => isText(text))) : {});

/** What this phone keeps, by the name it is stored under. */
const KEPT = {
  items: { name: 'items', read: (raw) => listOf(raw, ownItem) },
  outbox: { name: 'outbox', read: (raw) => listOf(raw, outboxMessage) },
  drafts: { name: 'drafts', read: textsOf },
  rescued: { name: 'rescued', read: (raw) => listOf(raw, rescuedText) },
  rewriteDrafts: { name: 'rewrites', read: textsOf },
};
const stored = (field) => KEPT[field].read(load(KEPT[field].name, null));

export const state = {
  secret: participantSecret(),
  /** The last board, validated where it arrived (board.js); null until the first. */
  board: null,
  /** The versioned board this connection holds, that patches apply to: {version, document, behind}. */
  wire: null,
  /** The pulse this page answers, when its link is a pulse's (board.js readPulse); null for a retro. */
  pulse: null,
  /** This phone's pulse answers: what it picked and typed, and whether the server has them. */
  pulseDraft: { values: new Map(), text: '', sent: false },
  /** This phone's own dots and answers, as the server last confirmed them. */
  priv: null,
  /** Server clock minus this phone's clock, from the last board: the timer runs on the server's time. */
  clockOffset: 0,
  /** This phone's items, each with its own secret: {item_id, secret, prompt_id, text, msg_id, acked}. */
  items: stored('items'),
  /** True once the server has taken an item from this phone in this retro (kept even if withdrawn). */
  wrote: load('wrote', false) === true,
  /** Commands not yet acknowledged, re-sent on every welcome: {id, command}. */
  outbox: stored('outbox'),
  /** Text typed into a prompt's box but not yet added, by prompt_id. */
  drafts: stored('drafts'),
  /** Items the server refused, kept so that nothing typed is lost: {prompt_id, text}. */
  rescued: stored('rescued'),
  /** Commands acked but not yet reflected in a `private` message (dots and answers): {command, timer}. */
  settling: [],
  /** Private reflections, by question. In memory only: never sent, never stored. */
  reflections: new Map(),
  /** The closing questions, remembered from Close so that a reflection survives the end of the retro. */
  closingQuestions: [],
  /** Text typed into a held item's rewrite box, by item_id. */
  rewriteDrafts: stored('rewriteDrafts'),
  /** This phone's own items that the facilitator has held: item_id → reason, opened from the board. */
  held: new Map(),
  /** Held items whose rewrite box is open, by item_id. */
  editing: new Set(),
  /** Claims acked but not yet on the board, by item_id, so that the button does not flash back. */
  claimedHere: new Set(),
  link: {
    /** Welcomed on the current socket. */
    ready: false,
    everReady: false,
    /** "Try again" was tapped at the door, and that knock is still on its way. */
    checking: false,
    /** 'locked' or 'expired' when the server turned this phone away at the door; null otherwise. */
    gate: null,
    /** The page's own address answered 404: the link has been replaced (link.js). */
    gone: false,
    /** The retro ended here and its link no longer lets this phone in: the ended page stays as it is. */
    closed: false,
  },
  ui: {
    /** The message in the toast, and how many have been shown (so that a repeat is read out again). */
    error: null,
    errors: 0,
    /** The last sentence for the screen reader's polite live region, and how many there have been. */
    announcement: '',
    announcements: 0,
    /** The own item whose "that was me" dialog is open, by item_id. */
    claiming: null,
    /** Where focus should go once the next frame has drawn it: {key, scroll}. */
    focus: null,
  },
};

export function persist(...fields) {
  for (const field of fields) save(KEPT[field].name, state[field]);
}

export function noteWritten() {
  if (state.wrote) return;
  state.wrote = true;
  save('wrote', true);
}

export function forgetRewrite(itemId) {
  state.editing.delete(itemId);
  if (itemId in state.rewriteDrafts) {
    delete state.rewriteDrafts[itemId];
    persist('rewriteDrafts');
  }
}

/** Keep refused or unsendable text in "Not sent": never lose it. */
export function rescue(promptId, text) {
  state.rescued.push({ prompt_id: promptId, text });
  persist('rescued');
}

/** Ours first, then whatever another tab already kept: merged, never dropped. */
function mergeBy(ours, theirs, key) {
  const seen = new Set(ours.map(key));
  return ours.concat(theirs.filter((entry) => !seen.has(key(entry))));
}

function mergeTexts(ours, theirs) {
  const merged = Object.assign({}, ours);
  for (const [name, text] of Object.entries(theirs)) {
    if (text.trim() && !(isText(merged[name]) && merged[name].trim())) merged[name] = text;
  }
  return merged;
}

/** After a move to a new token: take in what was already kept under it, then keep everything there. */
export function mergeStored() {
  state.items = mergeBy(state.items, stored('items'), (it) => it.msg_id);
  state.outbox = mergeBy(state.outbox, stored('outbox'), (m) => m.id);
  state.drafts = mergeTexts(state.drafts, stored('drafts'));
  state.rewriteDrafts = mergeTexts(state.rewriteDrafts, stored('rewriteDrafts'));
  state.rescued = mergeBy(state.rescued, stored('rescued'), (r) => r.prompt_id + '\n' + r.text);
  state.wrote = state.wrote || load('wrote', false) === true;
}

export function persistAll() {
  persist(...Object.keys(KEPT));
  if (state.wrote) save('wrote', true);
}
