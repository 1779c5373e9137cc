// The blame nudge: the same rules the Python side uses (retro/blame_rules.json), run here as you type,
// with no round trip. It suggests; it never blocks posting.

import { changed } from './state.js';

const rules = { suggestion: '', patterns: [] };

export function loadRules() {
  fetch(location.pathname.replace(/\/$/, '') + '/blame_rules.json', { cache: 'no-cache' })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      if (!data || typeof data.suggestion !== 'string' || !Array.isArray(data.rules)) return;
      const valid = data.rules.filter((rule) => rule && typeof rule.pattern === 'string' && typeof rule.flags === 'string');
      rules.patterns = valid.map((rule) => new RegExp(rule.pattern, rule.flags));
      rules.suggestion = data.suggestion;
      changed();
    })
    .catch(() => {});
}

/** The kind suggestion when this text points at a person, else ''. */
export const nudgeFor = (text) => (text.trim() !== '' && rules.patterns.some((pattern) => pattern.test(text)) ? rules.suggestion : '');
