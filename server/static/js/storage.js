// This phone's storage, per join link: localStorage under "retro:<token>:", or memory when the browser
// keeps nothing (private browsing, a full quota). Only what the phone needs to own its items and not lose
// a message is kept; private reflections never are.

import { newSecret } from './crypto.js';

const tokenOf = (path) => path.split('/').filter(Boolean).pop() || '';
const prefixOf = (token) => 'retro:' + token + ':';
const memory = new Map();

let token = tokenOf(location.pathname);
let prefix = prefixOf(token);

/** The join token this page talks to and keeps its things under; it changes when the link is replaced. */
export const joinToken = () => token;

export function load(name, fallback) {
  let raw = null;
  try {
    raw = localStorage.getItem(prefix + name);
  } catch (_) {
    raw = memory.has(name) ? memory.get(name) : null;
  }
  if (raw === null) return fallback;
  try {
    return JSON.parse(raw);
  } catch (_) {
    return fallback;
  }
}

export function save(name, value) {
  const raw = JSON.stringify(value);
  memory.set(name, raw);
  try {
    localStorage.setItem(prefix + name, raw);
  } catch (_) {
    // Private browsing or a full quota: keep going in memory for this visit.
  }
}

/** This phone's secret for this retro: made once, then kept. */
export function participantSecret() {
  let secret = null;
  try {
    secret = localStorage.getItem(prefix + 'secret');
  } catch (_) {
    secret = memory.get('secret') || null;
  }
  if (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{22,128}$/.test(secret)) {
    secret = newSecret();
    memory.set('secret', secret);
    try {
      localStorage.setItem(prefix + 'secret', secret);
    } catch (_) {
      // As above: this visit only.
    }
  }
  return secret;
}

function storedKeys(under) {
  const keys = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key !== null && key.startsWith(under)) keys.push(key);
    }
  } catch (_) {
    // No storage: everything is in memory and moves with the page.
  }
  return keys;
}

/**
 * From now on, read and write under a new token. What the old keys held is copied across by carryOver,
 * and dropped by dropOld once the new copy is safely written; until then the old copies are harmless.
 */
export function moveTo(newToken) {
  const move = { from: prefix, leftovers: storedKeys(prefix), kept: false };
  token = newToken;
  prefix = prefixOf(newToken);
  return move;
}

export function carryOver(move, secret) {
  try {
    localStorage.setItem(prefix + 'secret', secret);
    for (const key of move.leftovers) {
      const name = key.slice(move.from.length);
      if (localStorage.getItem(prefix + name) === null) localStorage.setItem(prefix + name, localStorage.getItem(key) || '');
    }
    move.kept = true;
  } catch (_) {
    move.kept = false;
  }
}

/** Drop the old keys, once `name` reads back under the new token exactly as `value`. */
export function dropOld(move, name, value) {
  if (!move.kept) return;
  try {
    if (localStorage.getItem(prefix + name) === JSON.stringify(value)) {
      for (const key of move.leftovers) localStorage.removeItem(key);
    }
  } catch (_) {
    // Left in place.
  }
}
