"""The rules of Session.execute, phase by phase."""

from datetime import date
from pathlib import Path

import pytest

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, CastVote, ChangePhase, RecordAction, RetractVote, WithdrawItem
from retro.errors import ErrorCode, RuleViolation
from retro.events import ItemAdded
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session
from retro.views import board_view, private_view

FACILITATOR = Facilitator()
ALICE = Participant("alice-pseudonym")
BOB = Participant("bob-pseudonym")
SECRET = "item-secret-0123456789"


def add(session: Session, text: str, who: Participant = ALICE, prompt: str = "learning") -> str:
    outcome = session.execute(who, AddItem(prompt_id=prompt, text=text, owner_hash=owner_hash(SECRET + text)))
    event = outcome.events[0]
    assert isinstance(event, ItemAdded)
    return event.item_id


def test_a_new_retro_is_in_write_with_the_compassionate_prompts(session: Session) -> None:
    board = board_view(session.state)
    assert board.phase is Phase.WRITE
    assert [p.text for p in board.prompts] == [
        "What has been hard?",
        "What's the learning here?",
        "What would help?",
    ]


def test_items_stay_private_until_the_reveal(session: Session) -> None:
    add(session, "We found the runbook late")
    board = board_view(session.state)
    assert board.counts["learning"] == 1
    assert board.items == ()
    assert "runbook" not in board.model_dump_json()


def test_reveal_shows_every_item_in_a_shuffled_order(session: Session) -> None:
    ids = [add(session, f"item {n}") for n in range(30)]
    session.execute(FACILITATOR, ChangePhase(to=Phase.VOTE))
    shown = [item.item_id for item in board_view(session.state).items]
    assert sorted(shown) == sorted(ids)
    assert shown != ids  # 1 in 30! chance of a false failure


def test_only_the_writer_can_withdraw_an_item(session: Session) -> None:
    item_id = add(session, "mine")
    with pytest.raises(RuleViolation) as refused:
        session.execute(BOB, WithdrawItem(item_id=item_id, item_secret="not-the-secret-at-all"))
    assert refused.value.code is ErrorCode.NOT_OWNER
    session.execute(ALICE, WithdrawItem(item_id=item_id, item_secret=SECRET + "mine"))
    assert board_view(session.state).counts["learning"] == 0


def test_voting_is_closed_while_writing(session: Session) -> None:
    item_id = add(session, "something")
    with pytest.raises(RuleViolation) as refused:
        session.execute(ALICE, CastVote(item_id=item_id))
    assert refused.value.code is ErrorCode.WRONG_PHASE
    assert "Write" in refused.value.message


def test_dot_budget_and_taking_a_dot_back(session: Session) -> None:
    first, second = add(session, "first"), add(session, "second")
    session.execute(FACILITATOR, ChangePhase(to=Phase.VOTE))
    session.execute(ALICE, CastVote(item_id=first))
    session.execute(ALICE, CastVote(item_id=first))
    session.execute(ALICE, CastVote(item_id=second))
    assert private_view(session.state, ALICE.pseudonym).dots_left == 0
    with pytest.raises(RuleViolation) as refused:
        session.execute(ALICE, CastVote(item_id=second))
    assert refused.value.code is ErrorCode.NO_DOTS_LEFT
    session.execute(ALICE, RetractVote(item_id=first))
    assert private_view(session.state, ALICE.pseudonym).model_dump() == {
        "dots_left": 1,
        "my_votes": {first: 1, second: 1},
    }
    with pytest.raises(RuleViolation):
        session.execute(BOB, RetractVote(item_id=first))


def test_totals_stay_hidden_until_voting_closes(session: Session) -> None:
    item_id = add(session, "worth talking about")
    session.execute(FACILITATOR, ChangePhase(to=Phase.VOTE))
    session.execute(ALICE, CastVote(item_id=item_id))
    session.execute(BOB, CastVote(item_id=item_id))
    assert [item.votes for item in board_view(session.state).items] == [None]
    session.execute(FACILITATOR, ChangePhase(to=Phase.ACTIONS))
    assert [item.votes for item in board_view(session.state).items] == [2]


def test_participants_cannot_drive_phases_or_record_actions(session: Session) -> None:
    for command in (
        ChangePhase(to=Phase.VOTE),
        RecordAction(text="x", owner="Sam", due=date(2026, 12, 4)),
    ):
        with pytest.raises(RuleViolation) as refused:
            session.execute(ALICE, command)
        assert refused.value.code is ErrorCode.FORBIDDEN
    assert session.state.phase is Phase.WRITE


def test_actions_are_recorded_with_owner_and_due_date_in_the_actions_phase(session: Session) -> None:
    action = RecordAction(text="Pair on the release checklist", owner="Sam", due=date(2026, 12, 4))
    with pytest.raises(RuleViolation):
        session.execute(FACILITATOR, action)
    session.execute(FACILITATOR, ChangePhase(to=Phase.ACTIONS))
    session.execute(FACILITATOR, action)
    [shown] = board_view(session.state).actions
    assert (shown.text, shown.owner, shown.due) == ("Pair on the release checklist", "Sam", date(2026, 12, 4))


def test_phases_move_forward_and_can_skip_but_never_reopen(session: Session) -> None:
    session.execute(FACILITATOR, ChangePhase(to=Phase.ACTIONS))
    with pytest.raises(RuleViolation) as refused:
        session.execute(FACILITATOR, ChangePhase(to=Phase.WRITE))
    assert refused.value.code is ErrorCode.INVALID
    session.execute(FACILITATOR, ChangePhase(to=Phase.CLOSED))
    with pytest.raises(RuleViolation):
        session.execute(FACILITATOR, ChangePhase(to=Phase.ACTIONS))


def test_a_refused_command_changes_nothing(session: Session) -> None:
    add(session, "kept")
    before = session.store.events(session.record.retro_id)
    with pytest.raises(RuleViolation):
        session.execute(ALICE, AddItem(prompt_id="no-such-prompt", text="x", owner_hash=owner_hash(SECRET)))
    assert session.store.events(session.record.retro_id) == before


def test_a_repeated_message_id_is_applied_once(session: Session) -> None:
    command = AddItem(prompt_id="learning", text="once", owner_hash=owner_hash(SECRET))
    first = session.execute(ALICE, command, message_id="message-0001")
    again = session.execute(ALICE, command, message_id="message-0001")
    assert not first.duplicate and again.duplicate
    assert board_view(session.state).counts["learning"] == 1


def test_closing_forgets_every_pseudonym_and_the_key_but_keeps_totals(
    session: Session, db_path: Path
) -> None:
    item_id = add(session, "keep the total")
    session.execute(FACILITATOR, ChangePhase(to=Phase.VOTE))
    session.execute(ALICE, CastVote(item_id=item_id))
    session.execute(FACILITATOR, ChangePhase(to=Phase.CLOSED))
    assert session.state.ballots == {}
    assert session.record.retro_key is None
    assert session.pseudonym_for("any-secret-at-all-here") is None
    assert [item.votes for item in board_view(session.state).items] == [1]
    files = [db_path, db_path.with_name(db_path.name + "-wal")]
    raw = b"".join(path.read_bytes() for path in files if path.exists())
    assert ALICE.pseudonym.encode() not in raw
