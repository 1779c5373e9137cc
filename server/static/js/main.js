// The phone page for retro. Native ES modules, no build step, no dependencies. Data flows one way:
// server messages (replies.js) and taps (intents.js) change the state; the scheduler then draws every
// view from it, at most once per animation frame. See docs/phone-page.md.
//
// Only the shell is loaded with the page: what every phase shows. A phase's own views are fetched the
// first time the phone is in that phase (loader.js), and drawn from the frame after they arrive.

import { start } from './connection.js';
import { ready, t } from './i18n.js';
import { arrivedView, openingViews, viewsFor, want } from './loader.js';
import { showError } from './notices.js';
import { drawWith } from './scheduler.js';
import { changed, state } from './state.js';
import { joinToken } from './storage.js';
import * as announcer from './views/announcer.js';
import * as gate from './views/gate.js';
import * as header from './views/header.js';
import * as language from './views/language.js';
import * as pageText from './views/page-text.js';
import * as status from './views/status.js';
import * as steps from './views/steps.js';
import * as toast from './views/toast.js';

const SHELL = { pageText, language, status, gate, header, steps, toast, announcer };

/** Every view in page order; those not in SHELL are fetched when a phase needs them (loader.js). */
const PAGE_ORDER = [
  'pageText', 'language', 'status', 'gate', 'header', 'steps', 'heldBanner', 'ended', 'pulse', 'review', 'checkin',
  'write', 'dots', 'discussing', 'close', 'reflect', 'actions', 'topics', 'unsent', 'toast', 'announcer', 'claim',
];

/** How long the first board waits at most for its phase's views (bad Wi-Fi), before the shell shows alone. */
const FIRST_BOARD_WAIT_MS = 3000;
let firstBoardShown = false;
let waitStarted = false;
let gaveUpWaiting = false;

/** The first board is drawn together with its phase's views, so that the page appears whole, not in parts. */
function holdingFirstBoard(needed) {
  if (firstBoardShown || (!state.board && !state.pulse)) return false;
  if (gaveUpWaiting || needed.every((name) => arrivedView(name))) {
    firstBoardShown = true;
    return false;
  }
  if (!waitStarted) {
    waitStarted = true;
    setTimeout(() => {
      gaveUpWaiting = true;
      changed();
    }, FIRST_BOARD_WAIT_MS);
  }
  return true;
}

function draw() {
  const needed = viewsFor(state);
  want(needed);
  if (holdingFirstBoard(needed)) return;
  for (const name of PAGE_ORDER) {
    const view = SHELL[name] || arrivedView(name);
    if (view) view.render();
  }
}

// Nothing is drawn before the phone's catalogue is in: the page never shows a word in the wrong language.
// A board that comes first already sends for its phase's views, while the catalogue is on its way.
drawWith(() => want(viewsFor(state)));
ready().then(() => {
  drawWith(draw);
  changed();
  if (!window.WebSocket || !joinToken()) showError(t('error.browser'));
});

if (window.WebSocket && joinToken()) {
  start();
  want(openingViews());
}
