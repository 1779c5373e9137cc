"""Replaying a retro's events from the SQLite file reproduces its state exactly."""

from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, CastVote, ChangePhase, Command, RecordAction, RetractVote, WithdrawItem
from retro.errors import RuleViolation
from retro.phases import FLOW
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import replay

PARTICIPANTS = [Participant(f"pseudonym-{n}") for n in range(3)]
PROMPTS = ["hard", "learning", "help"]

steps = st.lists(
    st.tuples(
        st.sampled_from(["add", "withdraw", "vote", "unvote", "phase", "action"]),
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=0, max_value=20),
    ),
    max_size=40,
)


def _command(
    session: Session, kind: str, who: int, pick: int
) -> tuple[Participant | Facilitator, Command] | None:
    items = sorted(session.state.items)
    item_id = items[pick % len(items)] if items else None
    secret = f"secret-for-item-number-{pick}"
    match kind:
        case "add":
            text = f"item {pick} <b>[x]</b>"
            return PARTICIPANTS[who], AddItem(
                prompt_id=PROMPTS[who], text=text, owner_hash=owner_hash(secret)
            )
        case "withdraw" if item_id:
            return PARTICIPANTS[who], WithdrawItem(item_id=item_id, item_secret=secret)
        case "vote" if item_id:
            return PARTICIPANTS[who], CastVote(item_id=item_id)
        case "unvote" if item_id:
            return PARTICIPANTS[who], RetractVote(item_id=item_id)
        case "phase":
            return Facilitator(), ChangePhase(to=FLOW[pick % len(FLOW)])
        case "action":
            return Facilitator(), RecordAction(
                text=f"action {pick}", owner="Sam", due=date(2026, 12, 1 + pick)
            )
    return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=steps)
def test_replay_from_the_file_gives_the_identical_state(
    tmp_path: Path, script: list[tuple[str, int, int]]
) -> None:
    path = tmp_path / f"replay-{abs(hash(tuple(script)))}.db"
    path.unlink(missing_ok=True)
    store = SqliteStore(path)
    session = Session.start(store, title="Replay")
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
