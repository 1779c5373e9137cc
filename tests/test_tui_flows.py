"""The facilitator's flows, run the same way against both places the TUI runs a retro: the server it starts in
its own process (`retro host`), and a separate `retro serve` process reached with a team's token
(`retro host --server`). Real phones join by the link the TUI shows, and what the server keeps is asked of
the server itself, over a connection of its own."""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from retro.exports.markdown import render_markdown
from retro.outcome import RetroOutcome
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from server.asks import OpenAsk
from tests.support.client import Client
from tests.support.pilot import (
    WAIT,
    board_of,
    fill_action_form,
    make_app,
    notified,
    scanned,
    screen_text,
    served,
    server_of,
    text_of,
)
from tests.support.remote import TEAM, outcome_from, phone_socket, remote_server
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until
from tui.app import RetroApp
from tui.dialogs.action_form import ActionFormScreen
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.export import ExportScreen
from tui.hosting import RemoteHost, facilitator_door

TITLE = "Sprint 42"
WRITTEN = (
    ("hard", "Handovers run late"),
    ("learning", "Checklists help"),
    ("help", "A quiet room for handovers"),
)
"""What three phones write, one item each."""
TEXTS = {text for _, text in WRITTEN}


@dataclass
class Hosted:
    """The TUI under test, and how to reach the server it drives: its base URL and a credential that may
    see the retro, known once the server listens."""

    app: RetroApp
    reach: Callable[[], tuple[str, str]]

    @property
    def base_url(self) -> str:
        return self.reach()[0]

    async def outcome(self) -> RetroOutcome:
        """The retro as the server keeps it, asked for over a second connection."""
        assert self.app.link is not None and self.app.link.opened is not None
        base_url, token = self.reach()
        return await outcome_from(facilitator_door(base_url), token, self.app.link.opened.retro_id)


@pytest.fixture(params=["embedded", "remote"])
async def hosted(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Hosted]:
    """`embedded`: the server in the app's own process, reached with its in-memory secret, as `retro host`
    runs it. `remote`: a `retro serve` process of its own, reached with the team's token."""
    if request.param == "embedded":
        store: SqliteStore = request.getfixturevalue("store")
        app = make_app(start_fixed_session(store, title=TITLE, team=TEAM), tmp_path)
        server = server_of(app)
        yield Hosted(app, lambda: (server.address.base_url, server.local_secret))
        return
    async with remote_server(tmp_path / "served.db") as remote:
        host = RemoteHost(remote.base_url, remote.team_token, OpenAsk(title=TITLE))
        app = RetroApp(host, export_dir=tmp_path / "exports")
        yield Hosted(app, lambda: (remote.base_url, remote.team_token))


async def phones_join(app: RetroApp, count: int) -> list[Client]:
    """Phones joining by the link the lobby shows, until the TUI counts them all."""
    phones = [await Client.join(phone_socket(app.join_url)) for _ in range(count)]
    await until(lambda: app.facilitator is not None and app.facilitator.phones == count, WAIT)
    return phones


async def close_all(phones: list[Client]) -> None:
    for phone in phones:
        await phone.close()


def phase_is(app: RetroApp, phase: Phase) -> Callable[[], bool]:
    return lambda: app.facilitator is not None and app.view.board.phase is phase


async def next_phase(app: RetroApp, pilot: Pilot[None], to: Phase, *answer: str) -> None:
    """Press n (and answer its question, if it asks one); until the server has moved the retro."""
    await pilot.press("n")
    if answer:
        await until(lambda: isinstance(app.screen, ConfirmScreen), WAIT)
        await pilot.press(*answer)
    await until(phase_is(app, to), WAIT)
    await until(lambda: f"Now: {to.label}" in notified(app), WAIT)


async def written(app: RetroApp, pilot: Pilot[None], phones: list[Client]) -> None:
    """From Review on to Write, where each phone writes its item; until the TUI counts them."""
    await pilot.press("b")
    await next_phase(app, pilot, Phase.CHECK_IN)
    await next_phase(app, pilot, Phase.WRITE)
    for phone, (prompt_id, text) in zip(phones, WRITTEN, strict=True):
        await phone.add_item(text, prompt_id)
    await until(lambda: "3 of 3 phones have written · 3 items in all" in screen_text(app), WAIT)


async def test_the_lobby_shows_a_qr_code_that_scans_to_the_join_url_and_counts_the_phones_using_it(
    hosted: Hosted,
) -> None:
    app = hosted.app
    async with served(app) as pilot:
        join_url = app.join_url
        assert join_url.startswith(f"{hosted.base_url}/j/")
        await until(lambda: join_url in screen_text(app), WAIT)
        await until(lambda: "0 phones joined" in screen_text(app), WAIT)
        code = scanned(app)
        assert code == join_url

        phones = [await Client.join(phone_socket(code)) for _ in range(2)]
        await until(lambda: "2 phones joined" in screen_text(app), WAIT)
        await phones[0].close()
        await until(lambda: "1 phone joined" in screen_text(app), WAIT)
        await phones[1].close()
        await pilot.press("b")
        await until(lambda: "0 phones joined" in screen_text(app), WAIT)


async def test_n_and_p_move_the_phases_phones_items_show_as_counts_and_the_reveal_asks_first(
    hosted: Hosted,
) -> None:
    app = hosted.app
    async with served(app) as pilot:
        phones = await phones_join(app, 3)
        await pilot.press("b")
        await next_phase(app, pilot, Phase.CHECK_IN)
        await until(lambda: " 2 Check-in " in screen_text(app), WAIT)
        await pilot.press("p")
        await until(phase_is(app, Phase.REVIEW), WAIT)
        await pilot.press("p")
        await until(lambda: "Review is the first phase." in notified(app), WAIT)
        await next_phase(app, pilot, Phase.CHECK_IN)
        await next_phase(app, pilot, Phase.WRITE)
        assert (await hosted.outcome()).phase is Phase.WRITE

        for phone, (prompt_id, text) in zip(phones, WRITTEN, strict=True):
            await phone.add_item(text, prompt_id)
        await until(lambda: "3 of 3 phones have written · 3 items in all" in screen_text(app), WAIT)
        assert not [text for text in TEXTS if text in screen_text(app)], "items stay hidden until the reveal"

        await pilot.press("n")
        await until(lambda: isinstance(app.screen, ConfirmScreen), WAIT)
        await until(lambda: "Reveal all items now?" in screen_text(app), WAIT)
        await pilot.press("escape")
        await until(lambda: not isinstance(app.screen, ConfirmScreen), WAIT)
        kept = await hosted.outcome()
        assert (kept.phase, kept.revealed, kept.items) == (Phase.WRITE, False, 3)

        await pilot.press("n", "y")
        await until(phase_is(app, Phase.GROUP), WAIT)
        await until(lambda: all(text in screen_text(app) for text in TEXTS), WAIT)
        revealed = await hosted.outcome()
        assert (revealed.phase, revealed.revealed) == (Phase.GROUP, True)
        assert set(revealed.item_texts) == TEXTS
        await close_all(phones)


async def test_an_action_recorded_with_a_in_discuss_reaches_the_server(hosted: Hosted) -> None:
    app = hosted.app
    async with served(app) as pilot:
        phones = await phones_join(app, 3)
        await written(app, pilot, phones)
        await next_phase(app, pilot, Phase.GROUP, "y")
        await next_phase(app, pilot, Phase.VOTE)
        checklists = next(t.topic_id for t in app.view.board.topics if t.title == "Checklists help")
        for phone in phones:
            await phone.command("cast_vote", topic_id=checklists)
        await until(lambda: "3 of 3 phones have voted" in screen_text(app), WAIT)
        await next_phase(app, pilot, Phase.DISCUSS)
        assert app.view.board.topics[0].title == "Checklists help"

        await pilot.press("a")
        await until(lambda: isinstance(app.screen, ActionFormScreen), WAIT)
        await fill_action_form(app, "Pair on the handover checklist", "Priya", "2031-03-14")
        await pilot.click("#save")
        await until(lambda: "Action saved" in [n.title for n in app._notifications], WAIT)
        assert "Pair on the handover checklist — Priya, due Fri 14 Mar 2031" in notified(app)

        [action] = (await hosted.outcome()).actions
        assert (action.text, action.owner, action.due.isoformat(), action.topic) == (
            "Pair on the handover checklist",
            "Priya",
            "2031-03-14",
            "Checklists help",
        )
        await close_all(phones)


async def test_the_export_dialog_writes_markdown_with_the_items_as_the_server_keeps_them(
    hosted: Hosted,
) -> None:
    app = hosted.app
    async with served(app) as pilot:
        phones = await phones_join(app, 3)
        await written(app, pilot, phones)
        await next_phase(app, pilot, Phase.GROUP, "y")

        await pilot.press("x")
        await until(lambda: isinstance(app.screen, ExportScreen), WAIT)
        await pilot.press("enter")
        await until(lambda: app.last_export is not None, WAIT)
        exported = app.last_export
        assert exported is not None and exported.suffix == ".md"
        status = board_of(app).query_one("#status-line", Static)
        await until(lambda: text_of(status) == f"Exported to {exported}", WAIT)

        markdown = exported.read_text()
        assert markdown.startswith(f"# {TITLE}")
        assert all(text in markdown for text in TEXTS)
        assert markdown == render_markdown(await hosted.outcome())
        await close_all(phones)
