// The phone page for retro. Native ES modules, no build step, no dependencies. Data flows one way:
// server messages (replies.js) and taps (intents.js) change the state; the scheduler then draws every
// view from it, at most once per animation frame. See docs/phone-page.md.

import { start } from './connection.js';
import { ready, t } from './i18n.js';
import { showError } from './notices.js';
import { drawWith } from './scheduler.js';
import { changed } from './state.js';
import { joinToken } from './storage.js';
import * as actions from './views/actions.js';
import * as announcer from './views/announcer.js';
import * as checkin from './views/checkin.js';
import * as claim from './views/claim.js';
import * as close from './views/close.js';
import * as discussing from './views/discussing.js';
import * as dots from './views/dots.js';
import * as ended from './views/ended.js';
import * as gate from './views/gate.js';
import * as header from './views/header.js';
import * as heldBanner from './views/held-banner.js';
import * as language from './views/language.js';
import * as pageText from './views/page-text.js';
import * as reflect from './views/reflect.js';
import * as pulse from './views/pulse.js';
import * as review from './views/review.js';
import * as status from './views/status.js';
import * as steps from './views/steps.js';
import * as toast from './views/toast.js';
import * as topics from './views/topics.js';
import * as unsent from './views/unsent.js';
import * as write from './views/write.js';

/** In page order; each draws its own part of the page from state, and nothing else. */
const VIEWS = [
  pageText, language, status, gate, header, steps, heldBanner, ended, pulse, review, checkin, write, dots,
  discussing, close, reflect, actions, topics, unsent, toast, announcer, claim,
];

// Nothing is drawn before the phone's catalogue is in: the page never shows a word in the wrong language.
ready().then(() => {
  drawWith(() => {
    for (const view of VIEWS) view.render();
  });
  changed();
  if (!window.WebSocket || !joinToken()) showError(t('error.browser'));
});

if (window.WebSocket && joinToken()) {
  start();
}
