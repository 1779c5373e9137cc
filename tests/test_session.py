"""The rules of Session.execute, phase by phase."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from retro.actors import Facilitator, Participant
from retro.commands import (
    AddItem,
    AddNote,
    AnswerCheckIn,
    AnswerRoti,
    CastVote,
    ChangePhase,
    Command,
    DeleteAction,
    EditAction,
    ExtendTimer,
    MergeTopics,
    RecordAction,
    RenameTopic,
    RetractVote,
    ReviewAction,
    ReviewOutcome,
    StartDiscussion,
    Ungroup,
    WithdrawItem,
)
from retro.errors import ErrorCode, RuleViolation
from retro.events import ActionRecorded, ItemAdded, ReviewItem
from retro.phases import FLOW, Phase
from retro.secrets import owner_hash
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from retro.state import replay
from retro.views import board_view, private_view

FACILITATOR = Facilitator()
PHONES = [Participant(f"pseudonym-{n}") for n in range(4)]
ALICE, BOB = PHONES[0], PHONES[1]
SECRET = "item-secret-0123456789"
NOON = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
REVIEW_ITEM = ReviewItem(
    ref="0123456789abcdef/fedcba9876543210",
    text="Write the handover checklist",
    owner="Priya",
    due=date(2026, 11, 20),
    from_title="Sprint 41",
    from_date=date(2026, 11, 13),
)


def refused(session: Session, actor: Facilitator | Participant, command: Command) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        session.execute(actor, command)
    return caught.value


def go(session: Session, phase: Phase) -> None:
    session.execute(FACILITATOR, ChangePhase(to=phase))


def add(session: Session, text: str, who: Participant = ALICE, prompt: str = "learning") -> str:
    outcome = session.execute(who, AddItem(prompt_id=prompt, text=text, owner_hash=owner_hash(SECRET + text)))
    event = outcome.events[0]
    assert isinstance(event, ItemAdded)
    return event.item_id


def topics(session: Session) -> list[str]:
    return [topic.topic_id for topic in board_view(session.state).topics]


@pytest.fixture
def fresh(store: SqliteStore) -> Session:
    """A retro as it starts: in Review, with one open action from an earlier retro."""
    started = Session.start(store, title="Sprint 42", team="Ward 7", review=(REVIEW_ITEM,))
    started.clock = lambda: NOON
    return started


# --- phases ---------------------------------------------------------------------------------------------


def test_a_retro_starts_in_review_and_walks_the_eight_phases(fresh: Session) -> None:
    assert fresh.state.phase is Phase.REVIEW
    assert [step.label for step in board_view(fresh.state).steps] == [
        "Review", "Check-in", "Write", "Reveal & group", "Vote", "Discuss", "Actions", "Close",
    ]  # fmt: skip
    for phase in FLOW[1:]:
        go(fresh, phase)
        assert board_view(fresh.state).phase is phase
    go(fresh, Phase.ENDED)
    assert fresh.state.ended


def test_any_phase_can_be_skipped(fresh: Session) -> None:
    go(fresh, Phase.DISCUSS)
    assert fresh.state.phase is Phase.DISCUSS and fresh.state.revealed


def test_steps_back_only_where_they_make_sense(fresh: Session) -> None:
    go(fresh, Phase.WRITE)
    go(fresh, Phase.CHECK_IN)
    go(fresh, Phase.GROUP)
    problem = refused(fresh, FACILITATOR, ChangePhase(to=Phase.WRITE))
    assert problem.code is ErrorCode.INVALID and "what was shown stays shown" in problem.message
    go(fresh, Phase.DISCUSS)
    assert refused(fresh, FACILITATOR, ChangePhase(to=Phase.VOTE)).code is ErrorCode.INVALID
    go(fresh, Phase.ACTIONS)
    go(fresh, Phase.DISCUSS)
    go(fresh, Phase.CLOSE)
    go(fresh, Phase.ACTIONS)
    go(fresh, Phase.ENDED)
    assert refused(fresh, FACILITATOR, ChangePhase(to=Phase.CLOSE)).code is ErrorCode.WRONG_PHASE


def test_vote_steps_back_to_group_only_before_the_first_dot(session: Session) -> None:
    add(session, "one")
    go(session, Phase.VOTE)
    go(session, Phase.GROUP)
    go(session, Phase.VOTE)
    session.execute(ALICE, CastVote(topic_id=topics(session)[0]))
    problem = refused(session, FACILITATOR, ChangePhase(to=Phase.GROUP))
    assert "Dots have been cast" in problem.message


def test_a_command_out_of_its_phase_gets_a_clear_error_and_changes_nothing(session: Session) -> None:
    add(session, "kept")
    before = session.store.events(session.record.retro_id)
    problem = refused(session, ALICE, AnswerRoti(value=4))
    assert problem.code is ErrorCode.WRONG_PHASE
    assert problem.message == "Rating the retro is open during Close; the retro is in Write now."
    assert session.store.events(session.record.retro_id) == before


def test_phones_cannot_drive_the_retro_and_the_facilitator_cannot_write(session: Session) -> None:
    for command in (ChangePhase(to=Phase.VOTE), RecordAction(text="x", owner="Sam", due=date(2026, 12, 4))):
        assert refused(session, ALICE, command).code is ErrorCode.FORBIDDEN
    item = AddItem(prompt_id="learning", text="x", owner_hash=owner_hash(SECRET))
    assert refused(session, FACILITATOR, item).code is ErrorCode.FORBIDDEN
    assert session.state.phase is Phase.WRITE


# --- review ---------------------------------------------------------------------------------------------


def test_review_marks_each_earlier_action(fresh: Session) -> None:
    [shown] = board_view(fresh.state).review
    assert (shown.text, shown.owner, shown.outcome) == ("Write the handover checklist", "Priya", None)
    fresh.execute(FACILITATOR, ReviewAction(ref=REVIEW_ITEM.ref, outcome=ReviewOutcome.CARRIED_OVER))
    fresh.execute(FACILITATOR, ReviewAction(ref=REVIEW_ITEM.ref, outcome=ReviewOutcome.DONE))
    assert board_view(fresh.state).review[0].outcome is ReviewOutcome.DONE
    unknown = ReviewAction(ref="aaaaaaaaaaaaaaaa/bbbbbbbbbbbbbbbb", outcome=ReviewOutcome.DROPPED)
    assert refused(fresh, FACILITATOR, unknown).code is ErrorCode.NOT_FOUND


# --- check-in -------------------------------------------------------------------------------------------


def test_check_in_answers_stay_in_range(fresh: Session) -> None:
    go(fresh, Phase.CHECK_IN)
    assert refused(fresh, ALICE, AnswerCheckIn(question_id="supported", value=7)).code is ErrorCode.INVALID
    assert refused(fresh, ALICE, AnswerCheckIn(question_id="nope", value=3)).code is ErrorCode.NOT_FOUND


# --- write and reveal -----------------------------------------------------------------------------------


def test_only_the_writer_can_withdraw_an_item(session: Session) -> None:
    item_id = add(session, "mine")
    problem = refused(session, BOB, WithdrawItem(item_id=item_id, item_secret="not-the-secret-at-all"))
    assert problem.code is ErrorCode.NOT_OWNER
    session.execute(ALICE, WithdrawItem(item_id=item_id, item_secret=SECRET + "mine"))
    assert board_view(session.state).counts["learning"] == 0


# --- group ----------------------------------------------------------------------------------------------


def test_merge_rename_and_ungroup(session: Session) -> None:
    first, second, third = add(session, "first"), add(session, "second"), add(session, "third")
    go(session, Phase.GROUP)
    session.execute(FACILITATOR, MergeTopics(topic_ids=(first, third), title="Handover"))
    board = board_view(session.state)
    merged = next(topic for topic in board.topics if topic.grouped)
    assert merged.title == "Handover"
    assert {item.text for item in merged.items} == {"first", "third"}
    assert len(board.topics) == 2
    session.execute(FACILITATOR, RenameTopic(topic_id=merged.topic_id, title="Night handover"))
    assert "Night handover" in {topic.title for topic in board_view(session.state).topics}
    assert refused(session, FACILITATOR, Ungroup(topic_id=second)).code is ErrorCode.INVALID
    session.execute(FACILITATOR, Ungroup(topic_id=merged.topic_id))
    assert sorted(topics(session)) == sorted([first, second, third])
    repeated = MergeTopics(topic_ids=(first, first), title="x")
    assert refused(session, FACILITATOR, repeated).code is ErrorCode.INVALID


# --- vote -----------------------------------------------------------------------------------------------


def test_dot_budget_cap_per_topic_and_taking_a_dot_back(store: SqliteStore) -> None:
    capped = Session.start(
        store, title="Capped", settings=RetroSettings(votes_per_person=3, max_votes_per_topic=2)
    )
    go(capped, Phase.WRITE)
    first, second = add(capped, "first"), add(capped, "second")
    go(capped, Phase.VOTE)
    capped.execute(ALICE, CastVote(topic_id=first))
    capped.execute(ALICE, CastVote(topic_id=first))
    assert refused(capped, ALICE, CastVote(topic_id=first)).code is ErrorCode.LIMIT
    capped.execute(ALICE, CastVote(topic_id=second))
    assert refused(capped, ALICE, CastVote(topic_id=second)).code is ErrorCode.NO_DOTS_LEFT
    capped.execute(ALICE, RetractVote(topic_id=first))
    assert private_view(capped.state, ALICE.pseudonym).model_dump(include={"dots_left", "my_votes"}) == {
        "dots_left": 1,
        "my_votes": {first: 1, second: 1},
    }
    assert refused(capped, BOB, RetractVote(topic_id=first)).code is ErrorCode.NOT_FOUND


# --- discuss --------------------------------------------------------------------------------------------


def test_discussion_timer_defaults_to_five_minutes_and_extends_by_two(session: Session) -> None:
    session.clock = lambda: NOON
    topic = add(session, "talk about me")
    go(session, Phase.DISCUSS)
    assert refused(session, FACILITATOR, ExtendTimer()).code is ErrorCode.INVALID
    session.execute(FACILITATOR, StartDiscussion(topic_id=topic))
    discussion = board_view(session.state).discussion
    assert discussion is not None and discussion.topic_id == topic
    assert discussion.ends_at == NOON + timedelta(minutes=5)
    session.execute(FACILITATOR, ExtendTimer())
    assert board_view(session.state).discussion == discussion.model_copy(
        update={"ends_at": NOON + timedelta(minutes=7)}
    )
    session.execute(FACILITATOR, AddNote(topic_id=topic, text="Pair on the next one"))
    assert [note.text for note in board_view(session.state).notes] == ["Pair on the next one"]
    go(session, Phase.ACTIONS)
    assert board_view(session.state).discussion is None
    assert board_view(session.state).discussed == (topic,)


# --- actions --------------------------------------------------------------------------------------------


def test_actions_have_owner_due_date_and_topic_and_can_be_edited_and_deleted(session: Session) -> None:
    topic = add(session, "handover")
    action = RecordAction(text="Pair on the checklist", owner="Sam", due=date(2026, 12, 4), topic_id=topic)
    assert refused(session, FACILITATOR, action).code is ErrorCode.WRONG_PHASE
    go(session, Phase.ACTIONS)
    recorded = session.execute(FACILITATOR, action).events[0]
    assert isinstance(recorded, ActionRecorded)
    [shown] = board_view(session.state).actions
    assert (shown.text, shown.owner, shown.due, shown.topic_title) == (
        "Pair on the checklist", "Sam", date(2026, 12, 4), "handover",
    )  # fmt: skip
    edit = EditAction(
        action_id=recorded.action_id, text="Write the checklist", owner="Priya", due=date(2026, 12, 11)
    )
    session.execute(FACILITATOR, edit)
    [edited] = board_view(session.state).actions
    assert (edited.text, edited.owner, edited.topic_title) == ("Write the checklist", "Priya", None)
    session.execute(FACILITATOR, DeleteAction(action_id=recorded.action_id))
    assert board_view(session.state).actions == ()
    assert (
        refused(session, FACILITATOR, DeleteAction(action_id=recorded.action_id)).code is ErrorCode.NOT_FOUND
    )


# --- close and end --------------------------------------------------------------------------------------


def test_ending_forgets_every_pseudonym_and_the_key_but_keeps_the_outcome(
    session: Session, db_path: Path
) -> None:
    topic = add(session, "keep the total")
    regret = add(session, "a withdrawn second thought")
    session.execute(ALICE, WithdrawItem(item_id=regret, item_secret=SECRET + "a withdrawn second thought"))
    go(session, Phase.CHECK_IN)
    for phone in PHONES[:3]:
        session.execute(phone, AnswerCheckIn(question_id="motivation", value=7))
    go(session, Phase.VOTE)
    session.execute(ALICE, CastVote(topic_id=topic))
    go(session, Phase.CLOSE)
    for phone in PHONES[:3]:
        session.execute(phone, AnswerRoti(value=4))
    go(session, Phase.ENDED)
    assert session.state.ballots == {} and session.record.retro_key is None
    assert session.pseudonym_for("any-secret-at-all-here") is None
    board = board_view(session.state)
    assert [topic.votes for topic in board.topics] == [1]
    assert board.check_in[0].mean == 7.0 and board.roti is not None and board.roti.mean == 4.0
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    raw = b"".join(path.read_bytes() for path in files if path.exists())
    assert not [phone.pseudonym for phone in PHONES if phone.pseudonym.encode() in raw]
    assert owner_hash(SECRET + "keep the total").encode() not in raw, "no phone can prove its items any more"
    assert b"a withdrawn second thought" not in raw
    assert replay(session.record.retro_id, session.store.events(session.record.retro_id)) == session.state
    assert refused(session, FACILITATOR, RenameTopic(topic_id=topic, title="x")).code is ErrorCode.WRONG_PHASE


def test_a_repeated_message_id_is_applied_once(session: Session) -> None:
    command = AddItem(prompt_id="learning", text="once", owner_hash=owner_hash(SECRET))
    first = session.execute(ALICE, command, message_id="message-0001")
    again = session.execute(ALICE, command, message_id="message-0001")
    assert not first.duplicate and again.duplicate
    assert board_view(session.state).counts["learning"] == 1
