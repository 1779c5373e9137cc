// Close: the return on time invested, on the scale the board's summary carries.

import { myRoti } from '../derived.js';
import { $, setText, show, t, tNodes } from '../dom.js';
import { answerRoti } from '../intents.js';
import { sending } from '../outbox.js';
import { buildScale, describeValue, markChosen, renderSummary } from '../parts/scale.js';
import { state } from '../state.js';

let scale = null;

export function render() {
  const board = state.board;
  const roti = board && board.phase === 'close' ? board.roti : null;
  show($('close'), Boolean(roti));
  if (!roti) return;
  // The return on time invested is the product's own question: its words come from the catalogue.
  const worded = { ...roti, text: t('question.roti.text'), low_label: t('question.roti.low'), high_label: t('question.roti.high') };
  setText($('roti-question'), worded.text);
  const shape = JSON.stringify([roti.low, roti.high, worded.low_label, worded.high_label]);
  if (!scale || scale.shape !== shape) {
    const buttons = buildScale($('roti-scale'), roti.low, roti.high, 'roti-', describeValue(worded), answerRoti);
    scale = { shape, buttons, low: roti.low };
    $('roti-low').replaceChildren(...tNodes('scale.end', { value: roti.low, label: worded.low_label }));
    $('roti-high').replaceChildren(...tNodes('scale.end', { value: roti.high, label: worded.high_label }));
  }
  markChosen(scale.buttons, scale.low, myRoti(), sending('answer_roti'));
  renderSummary($('roti-summary'), roti, 'summary.spoken_ratings');
}
