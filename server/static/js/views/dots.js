// Vote: the dot budget, kept in view.

import { capPerTopic, dotsLeft, pendingVotes, votesPerPerson } from '../derived.js';
import { $, pips, setText, show, t } from '../dom.js';
import { state } from '../state.js';

export function render() {
  const voting = Boolean(state.board) && state.board.phase === 'vote';
  show($('dotsbar'), voting);
  if (!voting) return;
  const budget = votesPerPerson();
  const left = dotsLeft(pendingVotes());
  const cap = capPerTopic();
  setText($('dots-left'), t('dots.left', { left, n: budget }));
  pips($('dots-pips'), left, Math.min(budget, 20));
  let hint = '';
  if (budget > 0 && left === 0) hint = t('dots.all_placed');
  else if (cap < budget) hint = t('dots.cap', { n: cap });
  setText($('dots-hint'), hint);
  show($('dots-hint'), hint !== '');
  $('dotsbar').classList.toggle('spent', budget > 0 && left === 0);
}
