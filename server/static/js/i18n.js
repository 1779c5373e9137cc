// The phone's language: one catalogue (server/static/locales/<code>.json) chosen and fetched once, messages
// looked up by id, plural forms through Intl.PluralRules, numbers, dates and lists through Intl. English is
// fetched only if the chosen catalogue lacks a key. See docs/translating.md.

import { changed } from './scheduler.js';

const SOURCE = 'en';
const CHOICE_KEY = 'retro-language';
/** Tags a phone may give for a language we have under another code. */
const ALIASES = { tl: 'fil' };

const catalogues = new Map();
let current = { code: SOURCE, messages: null, dir: 'ltr' };
let englishAsked = false;
let retroDefault = '';

let version = 0;

export const currentLocale = () => current.code;
/** Goes up each time the words change (a language chosen, English arriving for a missing key). */
export const wordsVersion = () => version;
export const currentDirection = () => current.dir;

/** The languages this page offers, as the server listed them in the switcher (each named in itself). */
export function offered() {
  const picker = document.getElementById('language');
  return picker ? Array.from(picker.options, (option) => option.value) : [SOURCE];
}

function matching(tag, available) {
  const lower = String(tag).toLowerCase();
  const base = lower.split('-')[0];
  for (const candidate of [lower, ALIASES[lower], base, ALIASES[base]]) {
    if (candidate && available.includes(candidate)) return candidate;
  }
  return null;
}

function storedChoice() {
  try {
    return localStorage.getItem(CHOICE_KEY) || '';
  } catch (_) {
    return '';
  }
}

/** The phone's own choice; else the first of its languages we have; else the retro's default; else English. */
export function preferred(available, languages, chosen, fallback) {
  if (chosen && available.includes(chosen)) return chosen;
  for (const tag of languages) {
    const found = matching(tag, available);
    if (found) return found;
  }
  if (fallback && available.includes(fallback)) return fallback;
  return SOURCE;
}

function phoneLanguages() {
  return navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
}

function fetchCatalogue(code) {
  if (!catalogues.has(code)) {
    const url = new URL('../locales/' + code + '.json', import.meta.url);
    const loading = fetch(url)
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then((data) => (data && typeof data === 'object' && data._meta ? data : Promise.reject(new Error(code))));
    catalogues.set(code, loading);
    loading.catch(() => catalogues.delete(code));
  }
  return catalogues.get(code);
}

function use(code) {
  const loading = fetchCatalogue(code);
  // A language's first Intl formatter loads its locale data, the slowest step of a first draw on a slow
  // phone; made while the catalogue and the board are on their way, it is ready when the stepper needs it.
  setTimeout(() => formatter(code, 'number', {}), 0);
  return loading
    .then((messages) => {
      const dir = messages._meta.dir === 'rtl' ? 'rtl' : 'ltr';
      current = { code, messages, dir };
      document.documentElement.lang = code;
      document.documentElement.dir = dir;
      version += 1;
      changed();
    })
    .catch(() => (code === SOURCE ? undefined : use(SOURCE)));
}

/** Start in the phone's language; resolves once its catalogue is in (or, failing that, English). */
export const ready = () => use(preferred(offered(), phoneLanguages(), storedChoice(), retroDefault));

/** The person picked a language on the switcher: remembered on this phone for every retro. */
export function chooseLanguage(code) {
  if (!offered().includes(code)) return;
  try {
    localStorage.setItem(CHOICE_KEY, code);
  } catch (_) {
    // Private browsing: the choice holds for this visit.
  }
  use(code);
}

/** The retro's default (`--lang`), from its board: it counts only when the phone chose nothing we have. */
export function adoptRetroDefault(code) {
  if (!code || code === retroDefault) return;
  retroDefault = code;
  const wanted = preferred(offered(), phoneLanguages(), storedChoice(), retroDefault);
  if (wanted !== current.code) use(wanted);
}

let english = null;

function lookup(key) {
  const messages = current.messages;
  if (messages && key in messages) return messages[key];
  if (current.code === SOURCE) return undefined;
  if (english) return english[key];
  if (!englishAsked) {
    englishAsked = true;
    fetchCatalogue(SOURCE).then((loaded) => {
      english = loaded;
      version += 1;
      changed();
    }, () => {});
  }
  return undefined;
}

const formats = new Map();
function formatter(code, kind, options) {
  const name = code + kind + JSON.stringify(options);
  if (!formats.has(name)) {
    const make = { number: Intl.NumberFormat, plural: Intl.PluralRules, date: Intl.DateTimeFormat, list: Intl.ListFormat }[kind];
    formats.set(name, new make(code, options));
  }
  return formats.get(name);
}
const format = (kind, options) => formatter(current.code, kind, options);

export const formatNumber = (n, options = {}) => format('number', options).format(n);
/** A number in the phone's own digits (the same as formatNumber, named so as not to read as a coercion). */
export const digits = formatNumber;
export const formatDateTime = (date, options) => format('date', options).format(date);
export const formatList = (parts) => format('list', { type: 'unit', style: 'short' }).format(parts);

function pick(entry, n) {
  if (entry === null || typeof entry !== 'object') return typeof entry === 'string' ? entry : '';
  const category = typeof n === 'number' ? format('plural', {}).select(n) : 'other';
  return entry[category] ?? entry.other ?? '';
}

/** The pieces of a message: text between placeholders, and each placeholder's value (a node stays a node). */
function pieces(key, params) {
  const entry = lookup(key);
  if (entry === undefined) return [current.code === SOURCE && current.messages ? key : ''];
  return pick(entry, params.n)
    .split(/(\{\w+\})/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      const name = /^\{(\w+)\}$/.exec(piece);
      if (!name || !(name[1] in params)) return piece;
      const value = params[name[1]];
      return typeof value === 'number' ? formatNumber(value) : value;
    });
}

/** A message as text: `{name}` filled from params (numbers in the phone's digits); `n` picks the plural. */
export const t = (key, params = {}) => pieces(key, params).map((piece) => (typeof piece === 'string' ? piece : piece.textContent)).join('');

/** A message as nodes, for a sentence with someone's words (a node) inside it. */
export const tNodes = (key, params = {}) => pieces(key, params);
