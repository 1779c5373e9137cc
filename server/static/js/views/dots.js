// Vote: the dot budget, kept in view.

import { capPerTopic, dotsLeft, pendingVotes, votesPerPerson } from '../derived.js';
import { $, pips, setText, show } from '../dom.js';
import { state } from '../state.js';

export function render() {
  const voting = Boolean(state.board) && state.board.phase === 'vote';
  show($('dotsbar'), voting);
  if (!voting) return;
  const budget = votesPerPerson();
  const left = dotsLeft(pendingVotes());
  const cap = capPerTopic();
  setText($('dots-left'), left + ' of ' + budget + ' dots left');
  pips($('dots-pips'), left, Math.min(budget, 20));
  let hint = '';
  if (budget > 0 && left === 0) hint = 'All your dots are placed. Tap − on a topic to move one.';
  else if (cap < budget) hint = 'At most ' + cap + ' of your dots can go on one topic.';
  setText($('dots-hint'), hint);
  show($('dots-hint'), hint !== '');
  $('dotsbar').classList.toggle('spent', budget > 0 && left === 0);
}
