// Close: the return on time invested, on the scale the board's summary carries.

import { myRoti } from '../derived.js';
import { $, setText, show } from '../dom.js';
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
  setText($('roti-question'), roti.text);
  const shape = JSON.stringify([roti.low, roti.high, roti.low_label, roti.high_label]);
  if (!scale || scale.shape !== shape) {
    const buttons = buildScale($('roti-scale'), roti.low, roti.high, 'roti-', describeValue(roti), answerRoti);
    scale = { shape, buttons, low: roti.low };
    setText($('roti-low'), roti.low + ' · ' + roti.low_label);
    setText($('roti-high'), roti.high + ' · ' + roti.high_label);
  }
  markChosen(scale.buttons, scale.low, myRoti(), sending('answer_roti'));
  renderSummary($('roti-summary'), roti, 'Ratings');
}
