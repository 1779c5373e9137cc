// The blame nudge: the model the Python side uses (retro/blame_model.json), run here as you type, with no
// round trip: the draft never leaves the phone before it is posted. It suggests; it never blocks posting.
// The model knows English only: on a page in another language, or for text that does not look English,
// it stays silent rather than nudge wrongly. Its suggestion is the catalogue's.
//
// A phone that never writes never fetches it: the model and the code that runs it are fetched the first
// time a box is focused or has text, from beside the modules (`/assets/<version>/blame_model.json`), so
// the next retro on the same server finds it in the cache. Until it is in, there is no nudge.

import { currentLocale, t } from './i18n.js';
import { importArrived, retrying } from './retry.js';
import { changed } from './state.js';

const MODEL_URL = new URL('../blame_model.json', import.meta.url);

let nudging = null;
let asked = false;

function fetchModel() {
  return fetch(MODEL_URL).then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))));
}

/** Fetch the model and the code that runs it, once. A model that does not read leaves the nudge off. */
function wantNudge() {
  if (asked) return;
  asked = true;
  retrying(() => Promise.all([importArrived('./blame_model.js'), importArrived('./language_guess.js'), fetchModel()])).then(([blame, guess, data]) => {
    const model = blame.readModel(data);
    if (!model) return;
    nudging = { model, pointsAtPerson: blame.pointsAtPerson, looksEnglish: guess.looksEnglish };
    changed();
  }).catch(() => {});
}

/** A text box took focus: the nudge is about to be needed. */
function onFocus(event) {
  const target = event.target;
  if (target && target.tagName === 'TEXTAREA' && !target.closest('#reflect') && currentLocale() === 'en') wantNudge();
}

document.addEventListener('focusin', onFocus);

/** The kind suggestion when this text points at a person, else ''. It names no one. */
export function nudgeFor(text) {
  if (text === '' || currentLocale() !== 'en') return '';
  if (!nudging) {
    wantNudge();
    return '';
  }
  if (!nudging.looksEnglish(text)) return '';
  return nudging.pointsAtPerson(nudging.model, text) ? t('nudge.suggestion') : '';
}
