// The top of the page: the team, the retro's title, the phase and what to do in it. A new phase starts
// at the top of the page (unless someone is mid-sentence in a text box).

import { $, setText, show, t } from '../dom.js';
import { state } from '../state.js';

let shownPhase = null;

export function render() {
  const board = state.board;
  if (!board) return;
  document.body.dataset.phase = board.phase;
  const title = board.title || t('app.name');
  setText($('title'), title);
  document.title = t('app.doc_title', { title });
  setText($('team'), board.team || t('app.name'));
  setText($('phase-heading'), t('now.heading_phase', { phase: t('phase.' + board.phase + '.label') }));
  setText($('instruction'), t('phase.' + board.phase + '.instruction'));
  show($('lock-note'), board.joining_locked);
  const typing = document.activeElement && document.activeElement.tagName === 'TEXTAREA';
  if (shownPhase !== null && shownPhase !== board.phase && !typing) window.scrollTo(0, 0);
  shownPhase = board.phase;
}
