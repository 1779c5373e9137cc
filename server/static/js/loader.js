// The views a phone needs only in some phases, fetched by a dynamic import the first time the page needs them.
// Until a view is in, nothing is drawn for it: its part of the page stays hidden, while the shell (the
// header, steps, status) already shows the new phase. Once in, a view is drawn on every frame like the
// shell's, and hides itself outside its phase. A failed fetch is tried again (retry.js).

import { heldItemsShown, unsentEntries } from './derived.js';
import { retrying } from './retry.js';
import { changed } from './state.js';

/** A view with the parts it imports, fetched side by side rather than one after the other. */
const withParts = (view, ...parts) => Promise.all([view, ...parts]).then(([module]) => module);

/** Each view that is fetched when needed, by the name main.js draws it under; then the parts it imports. */
const IMPORTS = {
  actions: () => import('./views/actions.js'),
  checkin: () => withParts(import('./views/checkin.js'), import('./parts/scale.js')),
  claim: () => import('./views/claim.js'),
  close: () => withParts(import('./views/close.js'), import('./parts/scale.js')),
  discussing: () => withParts(import('./views/discussing.js'), import('./parts/topic-card.js')),
  dots: () => import('./views/dots.js'),
  ended: () => import('./views/ended.js'),
  heldBanner: () => import('./views/held-banner.js'),
  pulse: () => withParts(import('./views/pulse.js'), import('./parts/comment-box.js'), import('./parts/scale.js'), import('./nudge.js')),
  reflect: () => import('./views/reflect.js'),
  review: () => import('./views/review.js'),
  topics: () => withParts(import('./views/topics.js'), import('./parts/topic-card.js')),
  unsent: () => import('./views/unsent.js'),
  write: () => withParts(import('./views/write.js'), import('./parts/composer.js'), import('./parts/mine-row.js'), import('./nudge.js')),
};

/** The views each phase of a retro draws: what its phone fetches when the phase first comes. */
const BY_PHASE = {
  review: ['review'],
  check_in: ['checkin'],
  write: ['write'],
  group: ['topics'],
  vote: ['dots', 'topics'],
  discuss: ['discussing', 'topics', 'actions', 'claim'],
  actions: ['actions', 'topics'],
  close: ['close', 'reflect', 'actions'],
  ended: ['ended', 'reflect', 'actions', 'topics'],
};

const asked = new Set();
const arrived = new Map();

/** The views what the phone shows now needs: a pulse's, or those of the retro's phase. */
export function viewsFor(state) {
  if (state.pulse) return ['pulse'];
  if (!state.board) return [];
  const needed = [...(BY_PHASE[state.board.phase] || [])];
  if (heldItemsShown().length > 0) needed.push('heldBanner');
  if (unsentEntries().length > 0) needed.push('unsent');
  return needed;
}

/** Fetch each of these views not yet asked for; each is drawn from the first frame after it arrives. */
export function want(names) {
  for (const name of names) {
    if (asked.has(name) || !(name in IMPORTS)) continue;
    asked.add(name);
    retrying(IMPORTS[name]).then((view) => {
      arrived.set(name, view);
      changed();
    });
  }
}

/** The view by that name if it has arrived, else null. */
export const arrivedView = (name) => arrived.get(name) || null;
