"""Snapshots of what the projected screen shows: the lobby, and the board before and after the reveal."""

from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, CastVote, ChangePhase, RecordAction
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from tests.conftest import start_fixed_session
from tui.app import RetroApp

SIZE = (120, 40)
PHONE = Participant("snapshot-phone")


def snapshot_app(store: SqliteStore, tmp_path: Path) -> RetroApp:
    config = ServerConfig(host="127.0.0.1", port=0, public_url="http://retro.example")
    return RetroApp(start_fixed_session(store), config, export_dir=tmp_path)


def write_items(session: Session) -> None:
    for prompt_id, text in (
        ("hard", "Night handovers ran late three times"),
        ("learning", "[b]Checklists[/b] <em>help</em> when we are tired"),
        ("help", "A quiet room for handover"),
    ):
        session.execute(PHONE, AddItem(prompt_id=prompt_id, text=text, owner_hash=owner_hash(text * 2)))


def test_lobby(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(store, tmp_path), terminal_size=SIZE)


def test_board_before_the_reveal_shows_counts_only(
    snap_compare: Any, store: SqliteStore, tmp_path: Path
) -> None:
    app = snapshot_app(store, tmp_path)

    async def before(pilot: Pilot[None]) -> None:
        write_items(app.session)
        await pilot.pause()

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=before)


def test_board_after_voting_shows_items_totals_and_actions(
    snap_compare: Any, store: SqliteStore, tmp_path: Path
) -> None:
    app = snapshot_app(store, tmp_path)

    async def before(pilot: Pilot[None]) -> None:
        session = app.session
        write_items(session)
        session.execute(Facilitator(), ChangePhase(to=Phase.VOTE))
        for item_id, item in session.state.items.items():
            if item.prompt_id == "learning":
                session.execute(PHONE, CastVote(item_id=item_id))
        session.execute(Facilitator(), ChangePhase(to=Phase.ACTIONS))
        session.execute(
            Facilitator(), RecordAction(text="Try a handover checklist", owner="Priya", due=date(2026, 12, 4))
        )
        await pilot.pause()

    assert snap_compare(app, press=["b"], terminal_size=SIZE, run_before=before)


def test_action_form(snap_compare: Any, store: SqliteStore, tmp_path: Path) -> None:
    assert snap_compare(snapshot_app(store, tmp_path), press=["b", "a"], terminal_size=SIZE)
