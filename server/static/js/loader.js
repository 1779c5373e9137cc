// The views a phone needs only in some phases, imported the first time the page needs them.
// Until a view is in, nothing is drawn for it: its part of the page stays hidden, while the shell (the
// header, steps, status) already shows the new phase. Once in, a view is drawn on every frame like the
// shell's, and hides itself outside its phase. A failed fetch is tried again (retry.js).

import { heldItemsShown, unsentEntries } from './derived.js';
import { importArrived, retrying } from './retry.js';
import { changed } from './state.js';

/** Each view that is fetched when needed, by the name main.js draws it under: its module, then the parts it
 * imports, fetched side by side rather than one after the other (retry.js `importArrived`). */
const FILES = {
  actions: ['./views/actions.js'],
  checkin: ['./views/checkin.js', './parts/scale.js'],
  claim: ['./views/claim.js'],
  close: ['./views/close.js', './parts/scale.js'],
  discussing: ['./views/discussing.js', './parts/topic-card.js'],
  dots: ['./views/dots.js'],
  ended: ['./views/ended.js'],
  heldBanner: ['./views/held-banner.js'],
  pulse: ['./views/pulse.js', './parts/comment-box.js', './parts/scale.js', './nudge.js'],
  reflect: ['./views/reflect.js'],
  review: ['./views/review.js'],
  topics: ['./views/topics.js', './parts/topic-card.js'],
  unsent: ['./views/unsent.js'],
  write: ['./views/write.js', './parts/composer.js', './parts/mine-row.js', './nudge.js'],
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

/** The views of what the join link opened when the server sent the page (a pulse, or the retro's phase then),
 * so that they are fetched while the websocket connects rather than after the first board. */
export function openingViews() {
  const opens = document.querySelector('meta[name="retro-opens"]')?.content || '';
  return opens === 'pulse' ? ['pulse'] : BY_PHASE[opens] || [];
}

/** Fetch each of these views not yet asked for; each is drawn from the first frame after it arrives. */
export function want(names) {
  for (const name of names) {
    if (asked.has(name) || !(name in FILES)) continue;
    asked.add(name);
    retrying(() => importArrived(...FILES[name])).then((view) => {
      arrived.set(name, view);
      changed();
    });
  }
}

/** The view by that name if it has arrived, else null. */
export const arrivedView = (name) => arrived.get(name) || null;
