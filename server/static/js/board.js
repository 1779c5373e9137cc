// The board and this phone's private view, checked once where they arrive. Everything past this point
// gets well-formed data: the protocol's field names, with text as strings, counts as numbers, lists as
// lists, and a few shapes made handy (claims as a Map, discussed as a Set, times in milliseconds).

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);
const text = (value) => (typeof value === 'string' ? value : '');
const id = (value) => (typeof value === 'string' && value ? value : null);
const int = (value, fallback) => (Number.isInteger(value) ? value : fallback);
const count = (value) => Math.max(0, int(value, 0));
const list = (value, read) => (Array.isArray(value) ? value.map((entry) => (isObject(entry) ? read(entry) : null)).filter(Boolean) : []);
const time = (value) => {
  const ms = Date.parse(text(value));
  return Number.isFinite(ms) ? ms : null;
};
const OUTCOMES = new Set(['done', 'carried_over', 'dropped']);
/** Far more than any sealed reason needs: a bound on the work a board can ask of the phone. */
const MAX_SEALED_HEX = 4096;

const step = (s) => id(s.phase) && { phase: s.phase, label: text(s.label) || s.phase };
/** A template's translations of a prompt or question, by locale: only well-formed wordings are kept. */
function translations(value, fields) {
  const kept = isObject(value) ? Object.entries(value).filter(([code, words]) => /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(code) && isObject(words)) : [];
  return record(kept.map(([code, wording]) => [code, Object.fromEntries(fields.map((field) => [field, text(wording[field])]))]));
}

const prompt = (p) => id(p.prompt_id) && { prompt_id: p.prompt_id, text: text(p.text), hint: text(p.hint), translations: translations(p.translations, ['text', 'hint']) };
const item = (i) => id(i.item_id) && { item_id: i.item_id, prompt_id: text(i.prompt_id), text: text(i.text) };
const note = (n) => id(n.note_id) && { note_id: n.note_id, topic_id: text(n.topic_id), text: text(n.text) };

function scale(q) {
  const low = int(q.low, 0);
  return { low, high: Math.max(low, int(q.high, low)), text: text(q.text), low_label: text(q.low_label), high_label: text(q.high_label) };
}

const question = (q) =>
  id(q.question_id) && { question_id: q.question_id, ...scale(q), translations: translations(q.translations, ['text', 'low_label', 'high_label']) };

/** An AnswerSummary: the histogram and mean only once enough people answered. */
function summary(s) {
  const histogram = s.shown === true && Array.isArray(s.histogram) ? s.histogram.map(count) : null;
  const mean = typeof s.mean === 'number' && Number.isFinite(s.mean) ? s.mean : null;
  return { question_id: text(s.question_id), ...scale(s), answered: count(s.answered), shown: histogram !== null, histogram, mean };
}

const review = (r) => ({
  ref: text(r.ref),
  text: text(r.text),
  owner: text(r.owner),
  due: text(r.due),
  from_title: text(r.from_title),
  from_date: text(r.from_date),
  outcome: OUTCOMES.has(r.outcome) ? r.outcome : 'open',
});

const topic = (t) =>
  id(t.topic_id) && {
    topic_id: t.topic_id,
    title: text(t.title),
    grouped: t.grouped === true,
    items: list(t.items, item),
    /** null while voting is open: totals stay hidden from everyone until it closes. */
    votes: Number.isInteger(t.votes) ? t.votes : null,
  };

const action = (a) => ({
  action_id: text(a.action_id),
  text: text(a.text),
  owner: text(a.owner),
  due: text(a.due),
  topic_title: text(a.topic_title),
});

function discussion(d) {
  return isObject(d) && id(d.topic_id) ? { topic_id: d.topic_id, ends_at: time(d.ends_at) } : null;
}

function counts(value) {
  return new Map(isObject(value) ? Object.entries(value).map(([name, n]) => [name, count(n)]) : []);
}

export function readBoard(b) {
  if (!isObject(b) || !id(b.phase)) return null;
  const votesPerPerson = count(b.votes_per_person);
  const cap = count(b.max_votes_per_topic);
  return {
    title: text(b.title),
    team: text(b.team),
    phase: b.phase,
    phase_label: text(b.phase_label) || b.phase,
    instruction: text(b.instruction),
    steps: list(b.steps, step),
    review: list(b.review, review),
    questions: list(b.questions, question),
    check_in: list(b.check_in, summary),
    prompts: list(b.prompts, prompt),
    counts: counts(b.counts),
    topics: list(b.topics, topic),
    votes_per_person: votesPerPerson,
    max_votes_per_topic: cap > 0 ? cap : votesPerPerson,
    discussion: discussion(b.discussion),
    discussed: new Set(Array.isArray(b.discussed) ? b.discussed.filter(id) : []),
    notes: list(b.notes, note),
    actions: list(b.actions, action),
    roti: isObject(b.roti) ? summary(b.roti) : null,
    closing_questions: Array.isArray(b.closing_questions) ? b.closing_questions.filter(id) : [],
    min_responses: Math.max(1, count(b.min_responses)),
    claims: new Map(list(b.claims, (c) => id(c.item_id) && [c.item_id, text(c.name).trim()])),
    joining_locked: b.joining_locked === true,
    /** The server's limit on an item's length; without one, the server alone says when text is too long. */
    max_item_chars: count(b.max_item_chars) || Infinity,
    featured_prompt: text(b.featured_prompt),
    /** The retro's default language (`--lang`): used only when the phone's own languages are none of ours. */
    lang: text(b.lang),
    pulse: glance(b.pulse),
  };
}

/** The team's latest pulse, for the Review: each question's mean only where enough answered. */
function glance(g) {
  if (!isObject(g)) return null;
  return { week: text(g.week), answered: count(g.answered), summaries: list(g.summaries, summary) };
}

const pulseQuestion = (q) => id(q.id) && { question_id: q.id, ...scale(q) };
const comment = (c) => ({ text: text(c.text) });
const pulseAction = (a) => ({ text: text(a.text), owner: text(a.owner), due: text(a.due), status: text(a.status) });

/** A `pulse` message: the questions; once closed, the results. */
export function readPulse(p) {
  if (!isObject(p)) return null;
  const free = isObject(p.free_text) && id(p.free_text.id) ? { question_id: p.free_text.id, text: text(p.free_text.text) } : null;
  const r = isObject(p.results) ? p.results : null;
  return {
    title: text(p.title),
    team: text(p.team),
    questions: list(p.questions, pulseQuestion),
    free_text: free,
    closes_at: time(p.closes_at),
    closed: p.closed === true,
    min_responses: count(p.min_responses),
    /** The longest free-text answer the server takes; without one, the server alone says so. */
    max_comment_chars: count(p.max_comment_chars) || Infinity,
    results: r && {
      answered: count(r.answered),
      summaries: list(r.summaries, summary),
      comments: Array.isArray(r.comments) ? list(r.comments, comment) : null,
      comments_written: count(r.comments_written),
    },
    actions: list(p.actions, pulseAction),
  };
}

/** This phone's own answers to a pulse: values by question, and its free text. */
export function readPulseMine(answers) {
  const values = new Map();
  let words = '';
  for (const a of list(answers, (entry) => entry)) {
    if (Number.isInteger(a.value)) values.set(text(a.question_id), a.value);
    else words = text(a.text);
  }
  return { values, text: words };
}

/** A `board` message: the board, and what comes with it (the server's time, the link, held notices). */
export function readBoardMessage(m) {
  const board = readBoard(m.board);
  if (!board) return null;
  const notices = list(m.held_notices, (n) => typeof n.tag === 'string' && typeof n.sealed === 'string' && n.sealed.length <= MAX_SEALED_HEX && n);
  return { board, server_time: time(m.server_time), join_path: text(m.join_path), notice_nonce: text(m.notice_nonce), held_notices: notices };
}

export function readPrivate(p) {
  if (!isObject(p)) return null;
  const answers = isObject(p.my_check_in) ? Object.entries(p.my_check_in).filter(([, n]) => Number.isInteger(n)) : [];
  return {
    dots_left: Number.isInteger(p.dots_left) ? p.dots_left : null,
    my_votes: counts(p.my_votes),
    my_check_in: new Map(answers),
    my_roti: Number.isInteger(p.my_roti) ? p.my_roti : null,
  };
}

// Versions and patches (docs/protocol.md). A versioned `board` becomes a document: its keyed lists held
// by id, its null members left out. Each `patch` is an RFC 7386 merge patch of that document, taking it
// from one version to the next; the board message it stands for goes through readBoardMessage like any.

const KEYED_LISTS = { topics: 'topic_id', notes: 'note_id', actions: 'action_id' };
const WIRE_ONLY = new Set(['type', 'version', 'server_time']);

/** A plain record with no prototype, so that no key a message carries (`__proto__`) can reach one. */
const record = (entries) => Object.assign(Object.create(null), Object.fromEntries(entries));

function withoutNulls(value) {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  return record(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

function toDocument(m) {
  if (!isObject(m.board)) return null;
  const doc = withoutNulls(record(Object.entries(m).filter(([name]) => !WIRE_ONLY.has(name))));
  for (const [name, key] of Object.entries(KEYED_LISTS)) {
    const entries = Array.isArray(doc.board[name]) ? doc.board[name].filter((e) => isObject(e) && id(e[key])) : [];
    doc.board[name] = record([['order', entries.map((e) => e[key])], ['by_id', record(entries.map((e) => [e[key], e]))]]);
  }
  return doc;
}

function fromDocument(doc, serverTime) {
  if (!isObject(doc) || !isObject(doc.board)) return null;
  const board = record(Object.entries(doc.board));
  for (const name of Object.keys(KEYED_LISTS)) {
    const keyed = isObject(board[name]) ? board[name] : record([]);
    const byId = isObject(keyed.by_id) ? keyed.by_id : record([]);
    board[name] = Array.isArray(keyed.order) ? keyed.order.map((key) => (id(key) ? byId[key] : null)).filter(isObject) : [];
  }
  return { ...doc, board, server_time: serverTime };
}

/** RFC 7386: a null member removes, an object merges member by member, anything else replaces. */
export function mergePatch(target, patch) {
  if (!isObject(patch)) return patch;
  const merged = record(isObject(target) ? Object.entries(target) : []);
  for (const [name, value] of Object.entries(patch)) {
    if (value === null) delete merged[name];
    else merged[name] = mergePatch(merged[name], value);
  }
  return merged;
}

/** What this phone holds of a versioned board, after a `board` message: null for an unversioned one. */
export function versionOf(m) {
  const doc = Number.isInteger(m.version) ? toDocument(m) : null;
  return doc && { version: m.version, document: doc, behind: false };
}

/**
 * A `patch` against the board this phone holds: {wire, message} to show, 'gap' when a version went
 * missing or the whole board asked for has not come yet (ask again), or null when there is nothing to do
 * (a stale patch, or none yet on this connection).
 */
export function applyPatch(wire, m) {
  if (!Number.isInteger(m.version) || !isObject(m.patch)) return null;
  if (wire === null || m.version <= wire.version) return null;
  if (wire.behind || m.version !== wire.version + 1) return 'gap';
  const doc = mergePatch(wire.document, m.patch);
  const message = fromDocument(doc, m.server_time);
  if (!message || !readBoard(message.board)) return 'gap';
  return { wire: { version: m.version, document: doc, behind: false }, message };
}
