// Topics: revealed in Group, voted on in Vote, discussed in Discuss (all but the one being discussed),
// and what came up, at the end.

import { $, keyed, setText, show, t } from '../dom.js';
import { buildTopicCard, topicContext, updateTopicCard } from '../parts/topic-card.js';
import { state } from '../state.js';

const TOPIC_PHASES = new Set(['group', 'vote', 'discuss', 'actions', 'ended']);

function heading(phase, count, discussing) {
  if (phase === 'group') return t('topics.so_far', { n: count });
  if (phase === 'vote') return t('topics.vote');
  if (phase === 'discuss') return t(discussing ? 'topics.discuss_others' : 'topics.discuss');
  return t('topics.ended');
}

export function render() {
  const board = state.board;
  const list = $('topic-list');
  if (!board || !TOPIC_PHASES.has(board.phase)) {
    show($('topics'), false);
    keyed(list, [], () => '', null, null);
    return;
  }
  const ctx = topicContext(board);
  const listed = board.topics.filter((t) => t.topic_id !== ctx.currentId);
  keyed(list, listed, (t) => t.topic_id, buildTopicCard, (card, topic) => updateTopicCard(card, topic, ctx));
  const count = board.topics.length;
  show($('topics'), count === 0 || listed.length > 0);
  show($('topics-empty'), count === 0);
  show($('grouping-note'), board.phase === 'group');
  setText($('topics-heading'), heading(board.phase, count, Boolean(ctx.currentId)));
}
