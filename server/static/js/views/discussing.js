// Discuss: the topic under discussion, on top, with its timer on the server's clock.

import { currentTopicId } from '../derived.js';
import { $, digits, keyed, setAttr, setText, show, t } from '../dom.js';
import { buildTopicCard, topicContext, updateTopicCard } from '../parts/topic-card.js';
import { state } from '../state.js';
import { remainingMs } from '../timer.js';

function renderTimer(node) {
  const remaining = remainingMs();
  if (remaining === null) {
    setText(node, '');
    return;
  }
  if (remaining <= 0) {
    setText(node, t('discuss.time_up'));
    node.classList.add('up');
    node.classList.remove('low');
    return;
  }
  const seconds = Math.ceil(remaining / 1000);
  const twoDigits = { minimumIntegerDigits: 2, useGrouping: false };
  setText(node, digits(Math.floor(seconds / 60), twoDigits) + ':' + digits(seconds % 60, twoDigits));
  node.classList.remove('up');
  node.classList.toggle('low', seconds <= 60);
  setAttr(node, 'aria-label', t('discuss.time_left', { minutes: Math.floor(seconds / 60), seconds: seconds % 60 }));
}

export function render() {
  const board = state.board;
  const section = $('discussing');
  const inDiscuss = Boolean(board) && board.phase === 'discuss';
  show(section, inDiscuss);
  const currentId = inDiscuss ? currentTopicId(board) : '';
  const topic = currentId ? board.topics.find((t) => t.topic_id === currentId) : undefined;
  const shown = topic ? [topic] : [];
  keyed($('discussing-slot'), shown, (t) => t.topic_id, buildTopicCard, (card, t) => updateTopicCard(card, t, topicContext(board)));
  setAttr(section, 'data-testid', topic ? 'discussing' : null);
  if (!inDiscuss) return;
  show($('discussing-empty'), !topic);
  show($('timer'), Boolean(currentId));
  renderTimer($('timer'));
}
