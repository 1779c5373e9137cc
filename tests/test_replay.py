"""Replaying a retro's events from the SQLite file reproduces its state exactly, in any phase."""

from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retro.actors import Facilitator, Participant
from retro.commands import (
    AddItem,
    AddNote,
    AnswerCheckIn,
    AnswerRoti,
    CastVote,
    ChangePhase,
    ClaimItem,
    Command,
    DeleteAction,
    ExtendTimer,
    HoldItem,
    LockJoining,
    MergeTopics,
    RecordAction,
    ReleaseItem,
    RetractVote,
    RewriteItem,
    RotateJoinToken,
    StartDiscussion,
    Ungroup,
    WithdrawItem,
)
from retro.errors import RuleViolation
from retro.phases import ORDER
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import replay

PARTICIPANTS = [Participant(f"pseudonym-{n}") for n in range(3)]
PROMPTS = ["hard", "learning", "help"]
KINDS = [
    "add", "withdraw", "vote", "unvote", "phase", "phase", "action", "delete", "check_in", "roti",
    "merge", "ungroup", "discuss", "extend", "note", "hold", "release", "rewrite", "claim", "lock", "rotate",
]  # fmt: skip

steps = st.lists(
    st.tuples(
        st.sampled_from(KINDS), st.integers(min_value=0, max_value=2), st.integers(min_value=0, max_value=20)
    ),
    max_size=50,
)


def _command(
    session: Session, kind: str, who: int, pick: int
) -> tuple[Participant | Facilitator, Command] | None:
    state = session.state
    items, topics, actions = sorted(state.items), list(state.topic_order), list(state.actions)
    item_id = items[pick % len(items)] if items else None
    topic_id = topics[pick % len(topics)] if topics else None
    secret = f"secret-for-item-number-{pick}"
    phone, facilitator = PARTICIPANTS[who], Facilitator()
    match kind:
        case "add":
            text = f"item {pick} <b>[x]</b>"
            return phone, AddItem(prompt_id=PROMPTS[who], text=text, owner_hash=owner_hash(secret))
        case "withdraw" if item_id:
            return phone, WithdrawItem(item_id=item_id, item_secret=secret)
        case "vote" if topic_id:
            return phone, CastVote(topic_id=topic_id)
        case "unvote" if topic_id:
            return phone, RetractVote(topic_id=topic_id)
        case "check_in":
            return phone, AnswerCheckIn(question_id="motivation", value=1 + pick % 10)
        case "roti":
            return phone, AnswerRoti(value=1 + pick % 5)
        case "phase":
            return facilitator, ChangePhase(to=ORDER[pick % len(ORDER)])
        case "merge" if len(topics) >= 2:
            return facilitator, MergeTopics(topic_ids=(topics[0], topics[-1]), title=f"group {pick}")
        case "ungroup" if topic_id:
            return facilitator, Ungroup(topic_id=topic_id)
        case "discuss" if topic_id:
            return facilitator, StartDiscussion(topic_id=topic_id)
        case "extend":
            return facilitator, ExtendTimer()
        case "note" if topic_id:
            return facilitator, AddNote(topic_id=topic_id, text=f"note {pick}")
        case "action":
            due = date(2026, 12, 1 + pick)
            return facilitator, RecordAction(text=f"action {pick}", owner="Sam", due=due, topic_id=topic_id)
        case "hold" if item_id:
            return facilitator, HoldItem(item_id=item_id, reason=f"reason {pick}")
        case "release" if item_id:
            return facilitator, ReleaseItem(item_id=item_id)
        case "rewrite" if item_id:
            return phone, RewriteItem(item_id=item_id, item_secret=secret, text=f"rewritten {pick}")
        case "claim" if item_id:
            return phone, ClaimItem(item_id=item_id, item_secret=secret, name=f"name {pick}")
        case "lock":
            return facilitator, LockJoining(locked=pick % 2 == 0)
        case "rotate":
            return facilitator, RotateJoinToken()
        case "delete" if actions:
            return facilitator, DeleteAction(action_id=actions[pick % len(actions)])
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=steps)
def test_replay_from_the_file_gives_the_identical_state(
    tmp_path: Path, script: list[tuple[str, int, int]]
) -> None:
    path = tmp_path / f"replay-{abs(hash(tuple(script)))}.db"
    path.unlink(missing_ok=True)
    store = SqliteStore(path)
    session = Session.start(store, title="Replay", clock=lambda: datetime(2026, 11, 27, 12, tzinfo=UTC))
    for kind, who, pick in script:
        step = _command(session, kind, who, pick)
        if step is None:
            continue
        try:
            session.execute(*step)
        except RuleViolation:
            pass
    store.close()

    reopened = SqliteStore(path)
    try:
        assert replay(session.record.retro_id, reopened.events(session.record.retro_id)) == session.state
    finally:
        reopened.close()
