// A topic's card: revealed in Group, voted on in Vote, discussed in Discuss, with totals at the end. In
// Discuss, the author of an item may say "that was me, happy to talk": only this phone knows which items
// are its own, and the claim shows on that one item only, on every phone.

import {
  capPerTopic,
  claimStateOf,
  currentTopicId,
  dotsLeft,
  myVotesOn,
  ownRevealedItems,
  pendingVotes,
  promptText,
  votesPerPerson,
} from '../derived.js';
import { el, digits, keyed, pips, replaceIfChanged, setAttr, setText, show, t, tNodes, userText } from '../dom.js';
import { castVote, openClaim } from '../intents.js';
import { sending } from '../outbox.js';

/** What every topic card needs to know about the board and this phone, worked out once per frame. */
export function topicContext(board) {
  const pending = pendingVotes();
  const notes = new Map();
  for (const note of board.notes) notes.set(note.topic_id, (notes.get(note.topic_id) || []).concat([note]));
  return {
    phase: board.phase,
    pending,
    left: dotsLeft(pending),
    cap: capPerTopic(),
    top: Math.max(1, ...board.topics.map((t) => t.votes || 0)),
    discussed: board.discussed,
    notes,
    currentId: currentTopicId(board),
    own: ownRevealedItems(),
  };
}

export function buildTopicCard(topic) {
  const id = topic.topic_id;
  const card = {
    kind: el('p', { class: 'topic-kind', dir: 'auto' }),
    votes: el('span', { 'data-testid': 'votes', text: '0' }),
    unit: el('span', { class: 'unit' }),
    discussed: el('span', { class: 'tag discussed-tag', 'data-testid': 'discussed-mark', hidden: true }),
    title: el('h3', { class: 'topic-title', 'data-testid': 'topic-title', dir: 'auto' }),
    claimRow: el('div', { class: 'claim-row', hidden: true }),
    items: el('ul', { class: 'topic-items', hidden: true }),
    fill: el('span', { class: 'meter-fill' }),
    vote: el('button', { type: 'button', class: 'round primary', 'data-testid': 'vote', text: '+' }),
    unvote: el('button', { type: 'button', class: 'round', 'data-testid': 'unvote', text: '−' }),
    myDots: el('span', { class: 'my-dots', 'data-testid': 'my-dots', text: '0' }),
    pips: el('span', { class: 'pips', 'aria-hidden': 'true' }),
    capHint: el('p', { class: 'cap-hint', 'data-testid': 'cap-hint', hidden: true }),
    notes: el('ul', { class: 'notes', hidden: true }),
    yourDots: el('span', { class: 'sr-only' }),
  };
  card.total = el('p', { class: 'total', hidden: true }, card.votes, ' ', card.unit);
  card.meter = el('span', { class: 'meter', 'aria-hidden': 'true', hidden: true }, card.fill);
  card.voteRow = el(
    'div',
    { class: 'vote-row', hidden: true },
    el('div', { class: 'mine-dots' }, card.pips, card.yourDots, card.myDots),
    el('div', { class: 'vote-buttons' }, card.unvote, card.vote),
  );
  card.vote.addEventListener('click', () => castVote(id, 'cast_vote'));
  card.unvote.addEventListener('click', () => castVote(id, 'retract_vote'));
  card.root = el(
    'li',
    { class: 'card topic', 'data-testid': 'topic', 'data-topic-id': id },
    el('div', { class: 'topic-head' }, card.kind, card.discussed, card.total),
    card.title,
    card.claimRow,
    card.items,
    card.meter,
    card.voteRow,
    card.capHint,
    card.notes,
  );
  return card;
}

function claimNodes(item, claim) {
  if (claim.name !== null) {
    const who = claim.name ? userText(claim.name) : t('claim.its_author');
    const hand = el('span', { class: 'claim-hand', 'aria-hidden': 'true', text: '✋' });
    return [el('p', { class: 'claim-badge', 'data-testid': 'claim-badge' }, hand, ' ', ...tNodes('claim.badge', { who }))];
  }
  if (!claim.canClaim) return [];
  const button = el('button', {
    type: 'button',
    class: 'button quiet claim',
    'data-testid': 'claim',
    text: t(claim.sending ? 'claim.sending' : 'claim.button'),
    'aria-label': t('claim.button_aria', { text: item.text }),
    disabled: claim.sending,
  });
  button.addEventListener('click', () => openClaim(item.item_id));
  return [button];
}

function showItems(card, topic, ctx) {
  const items = topic.items;
  const claims = items.map((it) => claimStateOf(it.item_id, ctx.own));
  show(card.items, topic.grouped && items.length > 0);
  replaceIfChanged(card.items, topic.grouped ? JSON.stringify([t('claim.button'), items.map((it, i) => [it.item_id, it.text, claims[i]])]) : '', () =>
    topic.grouped
      ? items.map((it, i) =>
          el(
            'li',
            { class: 'topic-item' + (claims[i].name !== null ? ' claimed' : '') },
            el('span', { 'data-testid': 'topic-item', dir: 'auto', text: it.text }),
            ...claimNodes(it, claims[i]),
          ),
        )
      : [],
  );
  const single = !topic.grouped && items.length > 0 ? claims[0] : null;
  show(card.claimRow, Boolean(single && (single.name !== null || single.canClaim)));
  replaceIfChanged(card.claimRow, single ? JSON.stringify([t('claim.button'), items[0].item_id, single]) : '', () => (single ? claimNodes(items[0], single) : []));
}

function showVoting(card, topic, ctx) {
  const voting = ctx.phase === 'vote';
  show(card.voteRow, voting);
  let capHint = '';
  if (voting) {
    const mine = myVotesOn(topic.topic_id, ctx.pending);
    const capacity = Math.min(ctx.cap, votesPerPerson() || ctx.cap);
    setText(card.myDots, digits(mine));
    card.root.classList.toggle('voted', mine > 0);
    const onItsWay = sending('cast_vote', { topic_id: topic.topic_id }) || sending('retract_vote', { topic_id: topic.topic_id });
    card.root.classList.toggle('pending', onItsWay);
    pips(card.pips, Math.min(mine, capacity), capacity <= 6 ? capacity : Math.min(mine, 20));
    const capped = mine >= ctx.cap;
    card.vote.disabled = ctx.left <= 0 || capped;
    card.unvote.disabled = mine <= 0;
    setText(card.yourDots, t('topic.your_dots'));
    setAttr(card.vote, 'aria-label', t('topic.add_dot', { title: topic.title }));
    setAttr(card.unvote, 'aria-label', t('topic.take_dot', { title: topic.title }));
    if (capped && ctx.cap < votesPerPerson()) capHint = t('topic.cap', { n: ctx.cap });
  } else {
    card.root.classList.remove('voted', 'pending');
  }
  setText(card.capHint, capHint);
  show(card.capHint, capHint !== '');
}

/** ctx: {phase, pending, left, cap, top, notes (by topic_id), currentId, own (this phone's items)}. */
export function updateTopicCard(card, topic, ctx) {
  const id = topic.topic_id;
  setText(card.title, topic.title);
  const n = topic.items.length;
  setText(card.kind, topic.grouped ? t('topic.group', { n }) : promptText(n ? topic.items[0].prompt_id : ''));
  setText(card.discussed, t('topic.discussed'));
  setAttr(card.notes, 'aria-label', t('topic.notes'));
  showItems(card, topic, ctx);

  // Totals exist only once voting has closed.
  const hasTotal = topic.votes !== null;
  const votes = hasTotal ? topic.votes : 0;
  show(card.total, hasTotal);
  show(card.meter, hasTotal);
  setText(card.votes, digits(votes));
  setText(card.unit, t('topic.dots', { n: votes }));
  card.fill.style.width = Math.round((votes / ctx.top) * 100) + '%';

  const current = id === ctx.currentId;
  const discussed = ctx.discussed.has(id) && !current;
  show(card.discussed, discussed && ctx.phase !== 'ended');
  card.root.classList.toggle('discussed', discussed && ctx.phase === 'discuss');
  card.root.classList.toggle('current', current);
  setAttr(card.root, 'aria-current', current ? 'true' : null);

  const notes = ctx.phase === 'group' || ctx.phase === 'vote' ? [] : ctx.notes.get(id) || [];
  show(card.notes, notes.length > 0);
  keyed(card.notes, notes, (note) => note.note_id, () => el('li', { class: 'note', 'data-testid': 'note', dir: 'auto' }), (li, note) => setText(li, note.text));
  showVoting(card, topic, ctx);
}
