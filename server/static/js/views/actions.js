// Actions, live from Discuss on: each with its owner, due date and topic.

import { $, el, formatDate, keyed, setText, show, t, tNodes, userText } from '../dom.js';
import { state } from '../state.js';

const ACTION_PHASES = new Set(['discuss', 'actions', 'close', 'ended']);

function createAction() {
  const row = {
    text: el('p', { class: 'action-text', dir: 'auto' }),
    meta: el('p', { class: 'action-meta' }),
    topic: el('p', { class: 'action-topic' }),
  };
  row.root = el('li', { class: 'action', 'data-testid': 'action' }, row.text, row.meta, row.topic);
  return row;
}

function updateAction(row, action) {
  const signature = JSON.stringify([action, t('action.meta')]);
  if (row.signature === signature) return;
  row.signature = signature;
  setText(row.text, action.text);
  row.meta.replaceChildren(...tNodes('action.meta', { owner: userText(action.owner), date: formatDate(action.due) }));
  row.topic.replaceChildren(...tNodes('action.from', { topic: userText(action.topic_title) }));
  show(row.topic, action.topic_title !== '');
}

export function render() {
  const board = state.board;
  const actions = board ? board.actions : [];
  const visible = Boolean(board) && ACTION_PHASES.has(board.phase) && (actions.length > 0 || board.phase === 'actions');
  show($('actions'), visible);
  if (!visible) return;
  show($('actions-empty'), actions.length === 0);
  setText($('actions-heading'), t(board.phase === 'ended' ? 'actions.title_ended' : 'actions.title'));
  keyed($('action-list'), actions, (action) => action.action_id, createAction, updateAction);
}
