// The blame nudge: the model the Python side uses (retro/blame_model.json), run here as you type, with no
// round trip: the draft never leaves the phone before it is posted. It suggests; it never blocks posting.
// The model knows English only: on a page in another language, or for text that does not look English,
// it stays silent rather than nudge wrongly. Its suggestion is the catalogue's.

import { pointsAtPerson, readModel } from './blame_model.js';
import { currentLocale, t } from './i18n.js';
import { looksEnglish } from './language_guess.js';
import { changed } from './state.js';

let model = null;

export function loadRules() {
  fetch(location.pathname.replace(/\/$/, '') + '/blame_model.json', { cache: 'no-cache' })
    .then((response) => (response.ok ? response.json() : null))
    .then((data) => {
      model = readModel(data);
      if (model) changed();
    })
    .catch(() => {});
}

/** The kind suggestion when this text points at a person, else ''. It names no one. */
export function nudgeFor(text) {
  if (!model || currentLocale() !== 'en' || !looksEnglish(text)) return '';
  return pointsAtPerson(model, text) ? t('nudge.suggestion') : '';
}
