// Discuss: the topic under discussion, on top, with its timer on the server's clock.

import { currentTopicId } from '../derived.js';
import { $, keyed, setAttr, setText, show } from '../dom.js';
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
    setText(node, "Time's up");
    node.classList.add('up');
    node.classList.remove('low');
    return;
  }
  const seconds = Math.ceil(remaining / 1000);
  const mm = String(Math.floor(seconds / 60)).padStart(2, '0');
  const ss = String(seconds % 60).padStart(2, '0');
  setText(node, mm + ':' + ss);
  node.classList.remove('up');
  node.classList.toggle('low', seconds <= 60);
  setAttr(node, 'aria-label', Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s left');
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
