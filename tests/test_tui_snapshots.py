"""Snapshots of what the projected screen shows: the lobby, every phase's board, and the action form.

Everything that could vary between runs is fixed: the tokens (start_fixed_session), the public URL,
the clock the countdown reads, and the order of topics (the shuffled reveal is rearranged through
the one command path: merge all topics in a chosen order, then ungroup).
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from itertools import count
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

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
    HoldItem,
    LockJoining,
    MergeTopics,
    RecordAction,
    ReviewAction,
    ReviewOutcome,
    StartDiscussion,
    Ungroup,
)
from retro.history import open_actions
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from tests.support.pilot import seen, serving, session_of
from tests.support.sessions import start_fixed_session
from tui.app import RetroApp
from tui.hosting import EmbeddedHost
from tui.messages import ViewArrived

SIZE = (120, 40)
TEAM = "Ward 7"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
ITEMS = (
    ("hard", "Night handovers ran late three times"),
    ("hard", "Nobody knew who was on call at 3am"),
    ("learning", "[b]Checklists[/b] <em>help</em> when we are tired"),
    ("help", "A quiet room for handover"),
)
RunBefore = Callable[[Pilot[None]], Awaitable[None]]


def snapshot_app(session: Session, tmp_path: Path) -> RetroApp:
    session.clock = lambda: NOW
    config = ServerConfig(host="127.0.0.1", port=0, public_url="http://retro.example")
    return RetroApp(EmbeddedHost(session, config), export_dir=tmp_path)


def facilitate(session: Session, *commands: Command) -> None:
    for command in commands:
        session.execute(Facilitator(), command)


def answer(session: Session, question_id: str, values: list[int]) -> None:
    for index, value in enumerate(values):
        session.execute(Participant(f"phone-{index}"), AnswerCheckIn(question_id=question_id, value=value))


def write_items(session: Session) -> list[str]:
    for prompt_id, text in ITEMS:
        session.execute(
            Participant("writer"), AddItem(prompt_id=prompt_id, text=text, owner_hash=owner_hash(text * 2))
        )
    by_text = {item.text: item_id for item_id, item in session.state.items.items()}
    return [by_text[text] for _, text in ITEMS]


def reveal_and_group(session: Session) -> list[str]:
    """Reveal, put the topics in ITEMS order, and group the two handover items; returns topic ids."""
    facilitate(session, ChangePhase(to=Phase.WRITE))
    ids = write_items(session)
    facilitate(session, ChangePhase(to=Phase.GROUP), MergeTopics(topic_ids=tuple(ids), title="All"))
    facilitate(session, Ungroup(topic_id=session.state.topic_order[0]))
    facilitate(session, MergeTopics(topic_ids=(ids[0], ids[1]), title="Handovers"))
    return list(session.state.topic_order)


def vote(session: Session, topics: list[str]) -> None:
    """Distinct totals, so that vote order is fixed: 3 on the second topic, 2 on the first, 1 on the last."""
    facilitate(session, ChangePhase(to=Phase.VOTE))
    for index, topic_id in enumerate([topics[1], topics[1], topics[1], topics[0], topics[0], topics[2]]):
        session.execute(Participant(f"voter-{index % 3}"), CastVote(topic_id=topic_id))


def after(setup: Callable[[Session], object], app: RetroApp) -> RunBefore:
    """Once the app shows the lobby: the setup, then until its view has come back over the link."""

    async def run_before(pilot: Pilot[None]) -> None:
        await serving(app)
        setup(session_of(app))
        await seen(app)
        await pilot.pause()

    return run_before


def linked(app: RetroApp) -> RunBefore:
    """Until the app has linked to its server and shows the lobby."""
    return after(lambda session: None, app)


def test_lobby(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)
    assert snap_compare(app, terminal_size=SIZE, run_before=linked(app))


def test_lobby_with_joining_locked(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        facilitate(session, LockJoining(locked=True))

    assert snap_compare(app, terminal_size=SIZE, run_before=after(setup, app))


LAN_BASE = "http://192.168.100.200:65535"
"""As long as a LAN address and port get, so that the code is as large as `retro host` draws it."""


def lan_app(session: Session, tmp_path: Path) -> RetroApp:
    session.clock = lambda: NOW
    config = ServerConfig(host="127.0.0.1", port=0, public_url=LAN_BASE)
    return RetroApp(EmbeddedHost(session, config), export_dir=tmp_path)


def test_lobby_at_80x24(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    """macOS Terminal's default size: the code beside the words, the URL beneath it."""
    app = lan_app(start_fixed_session(store), tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=linked(app))


def test_lobby_at_100x30(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = lan_app(start_fixed_session(store), tmp_path)
    assert snap_compare(app, terminal_size=(100, 30), run_before=linked(app))


def test_lobby_too_small_for_the_code(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = lan_app(start_fixed_session(store), tmp_path)
    assert snap_compare(app, terminal_size=(60, 16), run_before=linked(app))


def test_lobby_after_resume_in_vote(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    """Resumed mid-retro: the team shows, and the hint says that n moves the retro on."""
    facilitate(start_fixed_session(store), ChangePhase(to=Phase.WRITE), ChangePhase(to=Phase.VOTE))
    record = store.latest_open_retro()
    assert record is not None
    app = lan_app(Session.resume(store, record), tmp_path)
    assert snap_compare(app, terminal_size=(80, 24), run_before=linked(app))


def test_rows_with_skin_tone_and_joined_emoji_keep_their_width(
    snap_compare: Any, store: SqliteStore, tmp_path: Path
) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        facilitate(session, ChangePhase(to=Phase.WRITE))
        for index, text in enumerate(("👍🏽 handover went well", "👩🏾‍⚕️ nurse-led rounds", "Plain words")):
            session.execute(
                Participant(f"phone-{index}"),
                AddItem(prompt_id="hard", text=text, owner_hash=owner_hash(text * 2)),
            )
        ids = sorted(session.state.items, key=lambda item_id: session.state.items[item_id].text)
        facilitate(session, ChangePhase(to=Phase.GROUP), MergeTopics(topic_ids=tuple(ids), title="All"))
        facilitate(session, Ungroup(topic_id=session.state.topic_order[0]))

    assert snap_compare(app, press=["b"], terminal_size=(80, 20), run_before=after(setup, app))


def test_review(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    earlier = Session.start(store, title="Sprint 41", team=TEAM, today=date(2026, 11, 13))
    facilitate(earlier, ChangePhase(to=Phase.ACTIONS))
    for text, owner in (("Fix the night rota", "Priya"), ("Ask estates for a quiet room", "Sam")):
        facilitate(earlier, RecordAction(text=text, owner=owner, due=date(2026, 11, 20)))
    facilitate(earlier, ChangePhase(to=Phase.ENDED))
    session = Session.start(
        store, title="Sprint 42", team=TEAM, review=open_actions(store, TEAM), today=date(2026, 11, 27)
    )
    app = snapshot_app(session, tmp_path)

    def setup(session: Session) -> None:
        facilitate(session, ReviewAction(ref=session.state.review[0].ref, outcome=ReviewOutcome.DONE))

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(setup, app))


def test_check_in(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    for day, values in ((date(2026, 10, 30), [5, 6, 4]), (date(2026, 11, 13), [6, 7, 7, 8])):
        past = Session.start(store, title="Earlier", team=TEAM, today=day)
        facilitate(past, ChangePhase(to=Phase.CHECK_IN))
        answer(past, "motivation", values)
        facilitate(past, ChangePhase(to=Phase.ENDED))
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        facilitate(session, ChangePhase(to=Phase.CHECK_IN))
        answer(session, "motivation", [7, 8, 8, 9, 5])
        answer(session, "supported", [4, 3])

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(setup, app))


def test_write_shows_counts_only(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        facilitate(session, ChangePhase(to=Phase.WRITE))
        write_items(session)

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(setup, app))


def test_reveal_confirmation(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        facilitate(session, ChangePhase(to=Phase.WRITE))
        write_items(session)

    assert snap_compare(app, press=["b", "n"], terminal_size=SIZE, run_before=after(setup, app))


def test_screening_with_a_held_item(
    snap_compare: Any, store: SqliteStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Screening lists items by id, which is random; fixed ids here keep them in ITEMS order."""
    ids = (f"{n:016x}" for n in count(1))
    monkeypatch.setattr("retro.rules.new_id", lambda: next(ids))
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        facilitate(session, ChangePhase(to=Phase.WRITE))
        held = write_items(session)[1]
        facilitate(session, HoldItem(item_id=held, reason="Could identify someone"))

    assert snap_compare(app, press=["b", "s", "y", "down"], terminal_size=SIZE, run_before=after(setup, app))


def test_reveal_and_group(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)
    assert snap_compare(
        app,
        press=["b", "down", "space", "down", "space"],
        terminal_size=SIZE,
        run_before=after(reveal_and_group, app),
    )


def test_vote_hides_totals_and_counts_phones_that_have_voted(
    snap_compare: Any, store: SqliteStore, tmp_path: Path
) -> None:
    """Three of the four phones joined have voted: the count shows, and nothing says which."""
    app = snapshot_app(start_fixed_session(store), tmp_path)

    async def run_before(pilot: Pilot[None]) -> None:
        await serving(app)
        vote(session_of(app), reveal_and_group(session_of(app)))
        await seen(app)
        assert app.facilitator is not None
        counted = {"phones": 4, "phones_written": 0, "phones_voted": 3}
        app.post_message(ViewArrived(app.facilitator.model_copy(update=counted)))
        await pilot.pause()

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=run_before)


def test_discuss_with_timer_notes_and_an_action(
    snap_compare: Any, store: SqliteStore, tmp_path: Path
) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        topics = reveal_and_group(session)
        vote(session, topics)
        facilitate(
            session,
            ChangePhase(to=Phase.DISCUSS),
            StartDiscussion(topic_id=topics[0]),
            AddNote(topic_id=topics[0], text="Handover sheet is out of date"),
            StartDiscussion(topic_id=topics[1]),
            AddNote(topic_id=topics[1], text="Try the checklist on nights first"),
            RecordAction(
                text="Try a handover checklist", owner="Priya", due=date(2026, 12, 4), topic_id=topics[1]
            ),
        )

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(setup, app))


def test_discuss_with_a_claim(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def claim(session: Session, text: str, name: str) -> None:
        item_id = next(i for i, item in session.state.items.items() if item.text == text)
        session.execute(Participant("author"), ClaimItem(item_id=item_id, item_secret=text * 2, name=name))

    def setup(session: Session) -> None:
        topics = reveal_and_group(session)
        vote(session, topics)
        facilitate(session, ChangePhase(to=Phase.DISCUSS), StartDiscussion(topic_id=topics[0]))
        claim(session, ITEMS[1][1], "")
        claim(session, ITEMS[3][1], "Sam")

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(setup, app))


def record_actions(session: Session) -> None:
    topics = reveal_and_group(session)
    vote(session, topics)
    facilitate(
        session,
        ChangePhase(to=Phase.ACTIONS),
        RecordAction(
            text="Try a handover checklist", owner="Priya", due=date(2026, 12, 4), topic_id=topics[1]
        ),
        RecordAction(text="Book the quiet room for handovers", owner="Sam", due=date(2026, 12, 11)),
    )


def test_actions(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)
    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(record_actions, app))


def test_action_form(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)
    keys = ["b", "a", *"Pair on nights", "tab", *"Priya", "tab", *"fri"]
    assert snap_compare(app, press=keys, terminal_size=SIZE, run_before=after(record_actions, app))


def close(session: Session) -> None:
    facilitate(session, ChangePhase(to=Phase.CHECK_IN))
    answer(session, "motivation", [7, 8, 6])
    answer(session, "supported", [4])
    record_actions(session)
    facilitate(session, ChangePhase(to=Phase.CLOSE))
    for index, value in enumerate([4, 5]):
        session.execute(Participant(f"phone-{index}"), AnswerRoti(value=value))


def test_close_keeps_roti_hidden_below_three(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)
    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(close, app))


def test_ended(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    app = snapshot_app(start_fixed_session(store), tmp_path)

    def setup(session: Session) -> None:
        close(session)
        session.execute(Participant("phone-2"), AnswerRoti(value=3))
        facilitate(session, ChangePhase(to=Phase.ENDED))

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=after(setup, app))
