// The blame nudge's model on the phone: the same steps as retro/blame_features.py and retro/nudge.py, so
// both sides give the same score (tests/test_nudge_parity.py runs this file under Node). No DOM here.

const APOSTROPHES = { '\u2019': "'", '\u2018': "'", '\u02bc': "'", '\u00b4': "'", '\u0060': "'" };
const SENTENCE_ENDS = new Set(['.', '!', '?', ';', ':', '\n']);
const SEPARATOR_BLOCKS = [[0x2000, 0x206f], [0x2190, 0x2bff], [0x3000, 0x303f], [0xfe30, 0xfe6f], [0xff00, 0xff0f], [0x1f000, 0x1faff]];
const CHAR_GRAMS = [4];
// A word after a sentence opener must have at least this many letters for its ending to count.
const SUFFIXED_LENGTH = 5;
// Words whose 's means "is", "has" or "us": "there's" stays one token, not a possessive.
const CONTRACTED = new Set(['it', 'that', 'there', 'here', 'what', 'who', 'where', 'how', 'he', 'she', 'let']);
const AGENT = 'agent';
const PERSON = 'person';
// A person found by shape alone at the start of a sentence (also a person).
const SUBJECT = 'subject';
const NO_AGENT = 'noagent';
// No word of any category that says how someone acted (the file's cues): "the weekend team had three admissions".
const NO_CUE = 'nocue';

function isWordChar(code) {
  if (code < 0xc0) return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || (code >= 0x30 && code <= 0x39) || code === 0x27;
  if (code === 0xd7 || code === 0xf7) return false;
  return !SEPARATOR_BLOCKS.some(([low, high]) => code >= low && code <= high);
}

/** FNV-1a 32-bit over the UTF-8 bytes of the text (a lone surrogate counts as its three bytes). */
export function fnv1a32(text) {
  let hash = 0x811c9dc5;
  const add = (byte) => { hash = Math.imul(hash ^ byte, 0x01000193) >>> 0; };
  for (const char of text) {
    const code = char.codePointAt(0);
    if (code < 0x80) add(code);
    else if (code < 0x800) { add(0xc0 | (code >> 6)); add(0x80 | (code & 0x3f)); }
    else if (code < 0x10000) { add(0xe0 | (code >> 12)); add(0x80 | ((code >> 6) & 0x3f)); add(0x80 | (code & 0x3f)); }
    else { add(0xf0 | (code >> 18)); add(0x80 | ((code >> 12) & 0x3f)); add(0x80 | ((code >> 6) & 0x3f)); add(0x80 | (code & 0x3f)); }
  }
  return hash >>> 0;
}

function stripApostrophes(word) {
  let start = 0;
  let end = word.length;
  while (start < end && word[start] === "'") start += 1;
  while (end > start && word[end - 1] === "'") end -= 1;
  return word.slice(start, end);
}

function emit(raw, startsSentence, out) {
  const word = stripApostrophes(raw);
  if (!word) return;
  const lowered = word.toLowerCase();
  const upper = word[0] >= 'A' && word[0] <= 'Z';
  const marks = { capitalised: !startsSentence && upper, opens: startsSentence, opensCapitalised: startsSentence && upper };
  const stem = lowered.slice(0, -2);
  if (lowered.endsWith("'s") && stem && !CONTRACTED.has(stem)) {
    out.push({ text: stem, ...marks });
    out.push({ text: "'s", capitalised: false, opens: false, opensCapitalised: false });
  } else {
    out.push({ text: lowered, ...marks });
  }
}

export function tokenise(text) {
  const normal = text.normalize('NFKC').replace(/[\u2019\u2018\u02bc\u00b4\u0060]/g, (char) => APOSTROPHES[char]);
  const tokens = [];
  let current = '';
  let startsSentence = true;
  for (const char of normal + ' ') {
    if (isWordChar(char.codePointAt(0))) {
      current += char;
      continue;
    }
    if (current) {
      emit(current, startsSentence, tokens);
      startsSentence = false;
      current = '';
    }
    if (SENTENCE_ENDS.has(char)) startsSentence = true;
  }
  return tokens;
}

// An unknown capitalised word opening a sentence, followed in that sentence by a word that says what someone
// does ("Bartek didn't", "Ilse flatly refuses", "Oksana's"): a name acting as the subject.
function isSubject(tokens, found, index, lexicons) {
  const after = index + 1;
  if (after >= tokens.length || tokens[after].opens) return false;
  const following = tokens[after].text;
  return lexicons.subjectNext.some((category) => found[after].has(category))
    || (Array.from(following).length >= SUFFIXED_LENGTH && lexicons.subjectSuffixes.some((end) => following.endsWith(end)));
}

function categoriesAt(tokens, lexicons) {
  const words = tokens.map((token) => token.text);
  const found = tokens.map(() => new Set());
  words.forEach((word, start) => {
    for (const [category, parts] of lexicons.byFirstWord.get(word) || []) {
      if (parts.every((part, offset) => words[start + offset] === part)) {
        for (let offset = 0; offset < parts.length; offset += 1) found[start + offset].add(category);
      }
    }
  });
  const people = tokens.map((token, index) => !lexicons.knownWords.has(token.text)
    && (token.capitalised || (token.opensCapitalised && isSubject(tokens, found, index, lexicons))));
  people.forEach((person, index) => {
    if (!person) return;
    found[index].add(PERSON);
    if (tokens[index].opens) found[index].add(SUBJECT);
  });
  for (const here of found) {
    if (lexicons.agents.some((agent) => here.has(agent))) here.add(AGENT);
  }
  return found;
}

function namedFeatures(tokens, lexicons) {
  const at = categoriesAt(tokens, lexicons);
  const present = new Set();
  for (const here of at) for (const category of here) present.add(category);
  if (!present.has(AGENT)) present.add(NO_AGENT);
  if (!lexicons.cues.some((cue) => present.has(cue))) present.add(NO_CUE);
  const names = new Set(present);
  for (const [first, second] of lexicons.together) {
    if (present.has(first) && present.has(second)) names.add(first + '+' + second);
  }
  const positions = new Map();
  at.forEach((here, index) => {
    for (const category of here) {
      if (!positions.has(category)) positions.set(category, []);
      positions.get(category).push(index);
    }
  });
  for (const [first, second] of lexicons.near) {
    const before = positions.get(first) || [];
    const after = positions.get(second) || [];
    if (before.some((i) => after.some((j) => j > i && j <= i + lexicons.window))) names.add(first + '>' + second);
  }
  return names;
}

function hashedFeatures(tokens) {
  const words = tokens.map((token) => token.text);
  const features = new Set(words.map((word) => 'w:' + word));
  for (let index = 0; index + 1 < words.length; index += 1) features.add('b:' + words[index] + ' ' + words[index + 1]);
  for (const word of words) {
    const letters = Array.from('<' + word + '>');
    for (const size of CHAR_GRAMS) {
      for (let start = 0; start + size <= letters.length; start += 1) features.add('c:' + letters.slice(start, start + size).join(''));
    }
  }
  return features;
}

/** The model from its file's parsed JSON, ready to score; null if the file is not one. */
export function readModel(data) {
  const shaped = data && data.version === 3 && data.hash === 'fnv1a32-utf8' && Array.isArray(data.weights)
    && data.weights.length === 2 ** data.bits && typeof data.suggestion === 'string' && data.categories && data.named
    && Array.isArray(data.calibration) && data.calibration.length === 2
    && Array.isArray(data.subject_next) && Array.isArray(data.subject_suffixes) && Array.isArray(data.cues);
  if (!shaped) return null;
  const byFirstWord = new Map();
  const knownWords = new Set(data.known_capitals);
  for (const [category, entries] of Object.entries(data.categories)) {
    for (const entry of entries) {
      const parts = entry.split(' ');
      if (!byFirstWord.has(parts[0])) byFirstWord.set(parts[0], []);
      byFirstWord.get(parts[0]).push([category, parts]);
      for (const part of parts) knownWords.add(part);
    }
  }
  const lexicons = {
    byFirstWord, knownWords, agents: data.agents, near: data.near, together: data.together, window: data.window,
    subjectNext: data.subject_next, subjectSuffixes: data.subject_suffixes, cues: data.cues,
  };
  return { ...data, lexicons, mask: 2 ** data.bits - 1 };
}

/** The bias plus every weight of the text's features: the log-odds times the model's scale, an integer. */
export function units(model, text) {
  const tokens = tokenise(text);
  let total = model.bias;
  for (const name of namedFeatures(tokens, model.lexicons)) total += model.named[name] || 0;
  for (const feature of hashedFeatures(tokens)) total += model.weights[fnv1a32(feature) & model.mask];
  return total;
}

/** The calibrated probability: Platt scaling of units / scale by the file's slope and intercept. */
export const score = (model, text) => {
  const [slope, intercept] = model.calibration;
  return 1 / (1 + Math.exp(-((slope * units(model, text)) / model.scale + intercept)));
};

/** Whether the text seems to point at a person: a text with no word never does. */
export const pointsAtPerson = (model, text) => tokenise(text).length > 0 && units(model, text) >= model.threshold;
