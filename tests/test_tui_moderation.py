"""Moderation from the facilitator's TUI, run with Pilot and real phones on a real loopback port.

Screening shows item text only once the facilitator says the screen is private, and never on the
board; held items stay out of the reveal while every count stays the same. Locking joining and a new
join link keep new phones out and phones already in, in. Claims show who is happy to talk.
"""

import asyncio
import json
import secrets
from pathlib import Path
from typing import Any

from textual.widgets import Input, Static
from websockets.asyncio.client import connect

from retro.commands import ChangePhase
from retro.events import ItemHeld
from retro.hold_reasons import PRESET_ENGLISH
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    board_of,
    fixed_app,
    help_shown,
    notified,
    phones_of,
    prompts_of,
    run,
    screen_text,
    seen,
    served,
    server_of,
    session_of,
    text_of,
)
from tests.support.qr_bitmap import decode
from tests.support.waiting import http_status, until
from tui.app import RetroApp
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.hold_reason import HoldReasonScreen
from tui.screens.board import BoardScreen
from tui.screens.lobby import LobbyScreen
from tui.screens.screening import ScreeningScreen
from tui.widgets.qr import QrCode
from tui.widgets.topic_list import TopicList

NAMES_SAM = "Sam never hands over properly"
TO_REWRITE = "Whoever was on nights left a mess"
REWRITTEN = "Nights ended with a messy handover"
CHECKLIST = "A checklist would help"
TEAM_NAME = "Ask J. on Ward 3 what happened"
WRITTEN = (("hard", NAMES_SAM), ("learning", TO_REWRITE), ("help", CHECKLIST), ("hard", TEAM_NAME))


def ws_url(app: RetroApp, token: str) -> str:
    return f"ws://127.0.0.1:{server_of(app).port}/ws/{token}"


async def hello_answer(url: str, secret: str | None = None) -> dict[str, Any]:
    """A phone's hello with a raw websockets client: the server's first answer (welcome or error)."""
    async with connect(url) as websocket:
        hello = {
            "type": "hello",
            "id": Client.new_id(),
            "protocol": 1,
            "secret": secret or secrets.token_urlsafe(24),
        }
        await websocket.send(json.dumps(hello))
        answer: dict[str, Any] = json.loads(await asyncio.wait_for(websocket.recv(), 5))
    return answer


def screening_of(app: RetroApp) -> ScreeningScreen:
    screen = app.screen
    assert isinstance(screen, ScreeningScreen)
    return screen


def item_entries(app: RetroApp) -> list[str]:
    return prompts_of(screening_of(app).query_one("#screening-items", TopicList))


def highlight(app: RetroApp, item_id: str) -> None:
    screening_of(app).query_one("#screening-items", TopicList).highlight_topic(item_id)


def entry_for(app: RetroApp, text: str) -> str:
    return next(entry for entry in item_entries(app) if entry.startswith(text))


async def test_screening_shows_text_only_once_private_and_held_items_stay_out_of_the_reveal(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        run(session, ChangePhase(to=Phase.WRITE))
        author, other = [await Client.join(server_of(app).websocket_url) for _ in range(2)]
        ids = {}
        for index, (prompt_id, text) in enumerate(WRITTEN):
            ids[text] = await (author if index % 2 == 0 else other).add_item(text, prompt_id=prompt_id)
        await pilot.press("b")
        await until(lambda: "2 of 2 phones have written · 4 items in all" in screen_text(app))
        counts_before = dict(app.view.board.counts)
        written_before = text_of(board_of(app).query_one("#written", Static))

        def no_item_text_shown() -> bool:
            shown = screen_text(app)
            return not any(text in shown for _, text in WRITTEN)

        assert no_item_text_shown()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Item text will be on screen. Is the screen private?" in screen_text(app)
        assert no_item_text_shown(), "nothing is shown before the facilitator confirms"
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and no_item_text_shown()

        await pilot.press("s", "y")
        await until(lambda: isinstance(app.screen, ScreeningScreen))
        await pilot.pause()
        shown = screen_text(app)
        for _, text in WRITTEN:
            assert text in shown
        assert "What has been hard?" in shown and "4 items · 0 held" in shown
        for item_id in ids.values():
            assert item_id not in shown, "no ids on screen"

        highlight(app, ids[NAMES_SAM])
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HoldReasonScreen)
        for reason in PRESET_ENGLISH.values():
            assert reason in screen_text(app)
        await pilot.press("enter")
        await until(lambda: session.state.held.get(ids[NAMES_SAM]) == "Names or points at a person")
        await until(lambda: "held: Names or points at a person" in entry_for(app, NAMES_SAM))

        highlight(app, ids[TO_REWRITE])
        await pilot.press("h", "tab")
        await pilot.pause()
        own = app.screen.query_one("#hold-own", Input)
        assert own.has_focus
        await pilot.press(*"Say what happened, not who", "enter")
        await until(lambda: session.state.held.get(ids[TO_REWRITE]) == "Say what happened, not who")
        await until(lambda: "held: Say what happened, not who" in entry_for(app, TO_REWRITE))
        holds = [
            e for _, e in session.store.events_since(session.record.retro_id, 0) if isinstance(e, ItemHeld)
        ]
        assert [(hold.reason_code, hold.reason) for hold in holds] == [
            ("names_a_person", None),
            (None, "Say what happened, not who"),
        ], "a preset picked in the TUI is stored as its code, the facilitator's own words as written"

        highlight(app, ids[CHECKLIST])
        await pilot.press("r")
        await until(lambda: "That item is not held." in notified(app))
        await pilot.press("h", "down", "enter")
        await until(lambda: session.state.held.get(ids[CHECKLIST]) == "Could identify someone")
        await pilot.press("r")
        await until(lambda: ids[CHECKLIST] not in session.state.held)
        await until(lambda: "held:" not in entry_for(app, CHECKLIST))

        highlight(app, ids[TEAM_NAME])
        await pilot.press("h", "down", "enter")
        await until(lambda: "held: Could identify someone" in entry_for(app, TEAM_NAME))
        assert app.view.board.counts == counts_before, "holding changes no count"

        await other.command(
            kind="rewrite_item",
            item_id=ids[TO_REWRITE],
            item_secret=other.item_secrets[ids[TO_REWRITE]],
            text=REWRITTEN,
        )
        await until(lambda: any(entry.startswith(REWRITTEN) for entry in item_entries(app)))
        assert "held:" not in entry_for(app, REWRITTEN), "a rewritten item is no longer held"
        assert "4 items · 2 held" in screen_text(app)

        await pilot.press("j")
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        assert not any(isinstance(screen, ScreeningScreen) for screen in app.screen_stack)
        await pilot.press("b")
        await pilot.pause()
        assert (
            isinstance(app.screen, BoardScreen) and no_item_text_shown() and REWRITTEN not in screen_text(app)
        )
        assert text_of(board_of(app).query_one("#written", Static)) == written_before
        assert app.view.board.counts == counts_before

        await pilot.press("s", "y")
        await until(lambda: isinstance(app.screen, ScreeningScreen))
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen) and no_item_text_shown()

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        detail = text_of(app.screen.query_one("#confirm-detail", Static))
        assert detail.startswith("Every item appears on this screen and on every phone, in shuffled order.")
        assert "held" not in detail and "2" not in detail, "the projected screen never says anything was held"
        await pilot.press("y")
        await until(lambda: app.view.board.phase is Phase.GROUP)
        await pilot.pause()
        topics = prompts_of(board_of(app).query_one("#group-topics", TopicList))
        assert sorted(topic.split("  ")[0].removeprefix("[ ] ") for topic in topics) == [CHECKLIST, REWRITTEN]
        shown = screen_text(app)
        assert NAMES_SAM not in shown and TEAM_NAME not in shown
        assert not app.view.screening, "nothing is left to screen after the reveal"
        await author.close()
        await other.close()


async def test_locking_joining_keeps_new_phones_out_and_lets_phones_already_in_back(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        await pilot.pause()
        lobby = app.screen
        assert isinstance(lobby, LobbyScreen)
        assert "Joining locked" not in screen_text(app)
        inside_secret = secrets.token_urlsafe(24)
        inside = await Client.join(server_of(app).websocket_url, secret=inside_secret)

        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Lock joining?" in screen_text(app)
        await pilot.press("n")
        assert not session_of(app).state.joining_locked
        await pilot.press("L", "y")
        await until(lambda: session_of(app).state.joining_locked)
        await until(lambda: lobby.query_one("#lobby-lock").display)
        assert "Joining locked" in text_of(lobby.query_one("#lobby-lock-badge", Static))
        assert "New phones are refused; phones already in stay in." in screen_text(app)
        footer = screen_text(app).splitlines()[-1]
        assert "Open joining" in footer and "Lock joining" not in footer

        answer = await hello_answer(server_of(app).websocket_url)
        assert (answer["type"], answer["code"]) == ("error", "joining_locked")
        await inside.close()
        back = await hello_answer(server_of(app).websocket_url, inside_secret)
        assert back["type"] == "welcome", "a phone already in reconnects fine"

        await pilot.press("b")
        await pilot.pause()
        badge = board_of(app).query_one("#lock-badge", Static)
        assert badge.display and "Joining locked" in screen_text(app).splitlines()[0]

        await pilot.press("L")
        await until(lambda: not session_of(app).state.joining_locked)
        await until(lambda: not badge.display)
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen), "opening again needs no confirmation"
        assert not badge.display and "Joining locked" not in screen_text(app).splitlines()[0]
        newcomer = await Client.join(server_of(app).websocket_url)
        await newcomer.close()
        await pilot.press("j")
        await pilot.pause()
        assert not lobby.query_one("#lobby-lock").display


async def test_a_new_join_link_redraws_the_qr_code_and_shuts_old_links_to_new_phones(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        await pilot.pause()
        lobby = app.screen
        assert isinstance(lobby, LobbyScreen)
        qr = lobby.query_one(QrCode)
        old_url, old_token = server_of(app).join_url, session_of(app).record.join_token
        assert decode("\n".join(qr.lines)) == old_url
        inside_secret = secrets.token_urlsafe(24)
        inside = await Client.join(server_of(app).websocket_url, secret=inside_secret)
        await until(lambda: phones_of(app) == 1)

        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        detail = text_of(app.screen.query_one("#confirm-detail", Static))
        assert detail == "Old links stop working for new phones; phones already in stay in."
        await pilot.press("y")
        await until(lambda: session_of(app).record.join_token != old_token)
        new_url = server_of(app).join_url
        assert new_url != old_url and new_url.endswith(session_of(app).record.join_token)
        await until(lambda: decode("\n".join(qr.lines)) == new_url)
        assert text_of(lobby.query_one("#join-url", Static)) == new_url
        assert new_url in screen_text(app) and old_url not in screen_text(app)
        await until(lambda: "now show the new link" in notified(app))

        assert await asyncio.to_thread(http_status, new_url) == 200
        # An old link still gets the page, which explains that the link was replaced; only its
        # websocket refuses new phones.
        assert await asyncio.to_thread(http_status, old_url) == 200
        refused = await hello_answer(ws_url(app, old_token))
        assert (refused["type"], refused["code"]) == ("error", "expired_link")
        board = await inside.wait_for("board")
        assert board["board"]["phase"] == "review", "the phone already in is still connected"
        assert phones_of(app) == 1
        await inside.close()
        back = await hello_answer(ws_url(app, old_token), inside_secret)
        assert back["type"] == "welcome", "a phone already in gets back in, even through the old link"
        newcomer = await Client.join(server_of(app).websocket_url)
        await newcomer.close()

        await pilot.press("b", "R", "y")
        await until(lambda: server_of(app).join_url != new_url)
        assert isinstance(app.screen, BoardScreen)
        await until(lambda: decode("\n".join(qr.lines)) == server_of(app).join_url)


async def test_discuss_shows_who_is_happy_to_talk(store: SqliteStore, tmp_path: Path) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        run(session, ChangePhase(to=Phase.WRITE))
        named, quiet = [await Client.join(server_of(app).websocket_url) for _ in range(2)]
        rota = await named.add_item("The rota changed without warning", prompt_id="hard")
        tea = await quiet.add_item("Tea breaks together helped", prompt_id="help")
        run(session, ChangePhase(to=Phase.DISCUSS))
        await seen(app)
        await pilot.press("b")
        await pilot.pause()
        topics = board_of(app).query_one("#discuss-topics", TopicList)
        assert "✋" not in screen_text(app)

        await named.command(
            kind="claim_item", item_id=rota, item_secret=named.item_secrets[rota], name="Priya"
        )
        await quiet.command(kind="claim_item", item_id=tea, item_secret=quiet.item_secrets[tea], name="")
        await until(lambda: "✋ Priya is happy to talk" in screen_text(app))
        await until(lambda: "✋ its author is happy to talk" in screen_text(app))
        rota_entry = next(p for p in prompts_of(topics) if "The rota changed" in p)
        assert rota_entry.splitlines()[1].strip() == "✋ Priya is happy to talk"

        topics.highlight_topic(rota)
        await pilot.press("enter")
        await until(lambda: session.state.discussing == rota)
        current = board_of(app).query_one("#discussion-topic", Static)
        await until(lambda: "The rota changed without warning\n✋ Priya is happy to talk" in text_of(current))
        await named.close()
        await quiet.close()


async def test_an_ended_retro_can_neither_be_locked_nor_given_a_new_link(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        token = session_of(app).record.join_token
        run(session_of(app), ChangePhase(to=Phase.ENDED))
        await seen(app)
        await pilot.press("L", "R")
        await pilot.pause()
        assert isinstance(app.screen, LobbyScreen)
        assert not session_of(app).state.joining_locked and session_of(app).record.join_token == token
        assert "Lock joining" not in screen_text(app).splitlines()[-1]


async def test_help_lists_the_moderation_keys(store: SqliteStore, tmp_path: Path) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        shown = await help_shown(app, pilot)
        for line in (
            "L  Lock joining (asks first); phones already in stay in",
            "L  Open joining to new phones again",
            "R  Make a new join link",
            "s  Screen item text before the reveal (asks first)",
            "h  Hold the highlighted item out of the reveal, with a reason",
            "r  Release the highlighted held item",
            "esc  Hide the items: back to the board",
        ):
            assert line in shown
