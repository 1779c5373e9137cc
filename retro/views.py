"""What each role may see. Views are pure functions of state; the anonymity rules live here.

No view carries an owner hash, a pseudonym, or the time an item was written; items appear only after
the reveal, vote totals only after voting closes, and aggregates of answers only once enough answered.
"""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from retro.aggregates import ROTI_QUESTION, AnswerSummary, summarise
from retro.commands import ReviewOutcome
from retro.phases import CLOSING_QUESTIONS, FLOW, Phase, is_past
from retro.pulse.glance import PulseGlance
from retro.state import RetroState, Topic
from retro.templates import PromptWording, QuestionWording
from retro.text import MAX_ITEM_CHARS


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)


class PhaseStep(_View):
    phase: Phase
    label: str


class PromptView(_View):
    prompt_id: str
    text: str
    hint: str
    translations: dict[str, PromptWording] = {}
    """The template's own translations, by language: a phone in one of them shows that wording."""


class QuestionView(_View):
    question_id: str
    text: str
    low: int
    high: int
    low_label: str
    high_label: str
    translations: dict[str, QuestionWording] = {}


class ReviewView(_View):
    ref: str
    text: str
    owner: str
    due: date
    from_title: str
    from_date: date
    outcome: ReviewOutcome | None


class ItemView(_View):
    item_id: str
    prompt_id: str
    text: str


class TopicView(_View):
    topic_id: str
    title: str
    """The facilitator's name for a group; for a single item, the item's own text."""
    grouped: bool
    items: tuple[ItemView, ...]
    votes: int | None
    """None until voting closes: totals stay hidden from everyone while people vote."""


class DiscussionView(_View):
    topic_id: str
    ends_at: datetime


class NoteView(_View):
    note_id: str
    topic_id: str
    text: str


class ClaimView(_View):
    item_id: str
    name: str
    """What the author chose to be called; empty for "that was me" alone."""


class ScreenedItem(_View):
    """An item as the facilitator screens it before the reveal: its text, and no link to anyone."""

    item_id: str
    prompt_id: str
    text: str
    held_reason: str | None


class ActionView(_View):
    action_id: str
    text: str
    owner: str
    due: date
    topic_id: str | None
    topic_title: str | None


class BoardView(_View):
    """The shared board: identical for every phone, and what the projected screen may show."""

    title: str
    team: str
    template_title: str
    phase: Phase
    phase_label: str
    instruction: str
    steps: tuple[PhaseStep, ...]
    review: tuple[ReviewView, ...]
    pulse: PulseGlance | None = None
    """The team's latest pulse when the retro started: each question's result only at the threshold."""
    questions: tuple[QuestionView, ...]
    check_in: tuple[AnswerSummary, ...]
    prompts: tuple[PromptView, ...]
    counts: dict[str, int]
    """Items per prompt; before the reveal this is all anyone learns."""
    revealed: bool
    topics: tuple[TopicView, ...]
    voting_closed: bool
    votes_per_person: int
    max_votes_per_topic: int
    discussion: DiscussionView | None
    discussed: tuple[str, ...]
    notes: tuple[NoteView, ...]
    actions: tuple[ActionView, ...]
    roti: AnswerSummary | None
    closing_questions: tuple[str, ...]
    min_responses: int
    claims: tuple[ClaimView, ...]
    joining_locked: bool
    max_item_chars: int = MAX_ITEM_CHARS
    """The longest item or rewrite the server takes: the phone counts against it as you type."""
    featured_prompt: str = "learning"
    """The prompt the phone puts first and marks "Start here", when the template has it."""
    lang: str = ""
    """The retro's default language (`--lang`), for phones whose own languages are none of the page's."""


class PrivateView(_View):
    """The small per-participant extra, sent to that phone only: its own dots and answers."""

    dots_left: int
    my_votes: dict[str, int]
    my_check_in: dict[str, int]
    my_roti: int | None


class FacilitatorView(_View):
    board: BoardView
    hint: str
    total_items: int
    screening: tuple[ScreenedItem, ...]
    """Before the reveal only; in an order (by random id) that says nothing about when items came."""


def topic_title(state: RetroState, topic: Topic) -> str:
    return topic.title or state.items[topic.item_ids[0]].text


def board_view(state: RetroState) -> BoardView:
    assert state.template is not None
    template = state.template
    counts = {prompt.id: 0 for prompt in template.prompts}
    for item in state.items.values():
        counts[item.prompt_id] += 1
    k = state.settings.min_responses
    return BoardView(
        title=state.title,
        team=state.team,
        template_title=template.title,
        phase=state.phase,
        phase_label=state.phase.label,
        instruction=state.phase.instruction,
        steps=tuple(PhaseStep(phase=phase, label=phase.label) for phase in FLOW),
        review=tuple(
            ReviewView(**item.model_dump(), outcome=state.review_outcomes.get(item.ref))
            for item in state.review
        ),
        pulse=state.pulse,
        questions=tuple(
            QuestionView(
                question_id=q.id,
                text=q.text,
                low=q.low,
                high=q.high,
                low_label=q.low_label,
                high_label=q.high_label,
                translations=q.translations,
            )
            for q in template.questions
        ),
        check_in=tuple(summarise(q, state.check_in_values(q.id), k) for q in template.questions),
        prompts=tuple(
            PromptView(prompt_id=p.id, text=p.text, hint=p.hint, translations=p.translations)
            for p in template.prompts
        ),
        counts=counts,
        revealed=state.revealed,
        topics=_visible_topics(state),
        voting_closed=state.voting_closed,
        votes_per_person=state.settings.votes_per_person,
        max_votes_per_topic=state.settings.max_votes_per_topic,
        discussion=(
            DiscussionView(topic_id=state.discussing, ends_at=state.timer_ends_at)
            if state.discussing is not None and state.timer_ends_at is not None
            else None
        ),
        discussed=tuple(state.discussed),
        notes=tuple(NoteView(note_id=n.note_id, topic_id=n.topic_id, text=n.text) for n in state.notes),
        actions=tuple(
            ActionView(
                action_id=a.action_id,
                text=a.text,
                owner=a.owner,
                due=a.due,
                topic_id=a.topic_id,
                topic_title=topic_title(state, state.topics[a.topic_id])
                if a.topic_id in state.topics
                else None,
            )
            for a in state.actions.values()
        ),
        roti=summarise(ROTI_QUESTION, state.roti_values(), k)
        if is_past(state.phase, Phase.ACTIONS)
        else None,
        closing_questions=CLOSING_QUESTIONS if state.phase in (Phase.CLOSE, Phase.ENDED) else (),
        min_responses=k,
        claims=tuple(ClaimView(item_id=item_id, name=name) for item_id, name in state.claimed.items()),
        joining_locked=state.joining_locked,
        lang=state.settings.lang,
    )


def _visible_topics(state: RetroState) -> tuple[TopicView, ...]:
    if not state.revealed:
        return ()
    return tuple(
        TopicView(
            topic_id=topic.topic_id,
            title=topic_title(state, topic),
            grouped=len(topic.item_ids) > 1 or bool(topic.title),
            items=tuple(
                ItemView(
                    item_id=item_id, prompt_id=state.items[item_id].prompt_id, text=state.items[item_id].text
                )
                for item_id in topic.item_ids
            ),
            votes=state.votes[topic.topic_id] if state.voting_closed else None,
        )
        for topic in state.ordered_topics()
    )


def private_view(state: RetroState, ballot: str) -> PrivateView:
    mine = state.ballot(ballot)
    return PrivateView(
        dots_left=max(0, state.settings.votes_per_person - state.dots_used(ballot)),
        my_votes={topic_id: count for topic_id, count in mine.items() if count > 0},
        my_check_in={
            question_id: answers[ballot]
            for question_id, answers in state.check_in.items()
            if ballot in answers
        },
        my_roti=state.roti.get(ballot),
    )


def facilitator_view(state: RetroState) -> FacilitatorView:
    screening = (
        ()
        if state.revealed
        else tuple(
            ScreenedItem(
                item_id=item.item_id,
                prompt_id=item.prompt_id,
                text=item.text,
                held_reason=state.held.get(item_id),
            )
            for item_id, item in sorted(state.items.items())
        )
    )
    return FacilitatorView(
        board=board_view(state),
        hint=state.phase.hint,
        total_items=len(state.items),
        screening=screening,
    )
