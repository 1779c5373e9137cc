"""The facilitator's TUI as a client of the server: it rides out a lost connection or a server restart, shows
that it is reconnecting, sends what was typed meanwhile once the server is back, and applies it exactly once;
a server that refuses it for good makes it say why in one line and stop."""

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retro.credentials import add_team
from retro.events import PhaseChanged
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from server.asks import OpenAsk, ResumeAsk
from tests.support.pilot import (
    SIZE,
    WAIT,
    fixed_app,
    notified,
    screen_text,
    served,
    server_of,
    session_of,
)
from tests.support.waiting import until
from tui.app import RetroApp
from tui.hosting import RemoteHost
from tui.widgets.link_banner import RECONNECTING


def moves_to(store: SqliteStore, retro_id: str, phase: Phase) -> int:
    """How many times the stored retro moved to `phase`: each command applied shows here once."""
    return sum(1 for event in store.events(retro_id) if isinstance(event, PhaseChanged) and event.to is phase)


async def test_a_command_given_while_the_server_is_down_is_sent_once_it_is_back_and_applied_once(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        await pilot.press("b")
        server, retro_id = server_of(app), session_of(app).record.retro_id
        port, secret = server.port, server.local_secret
        await server.stop()
        await until(lambda: RECONNECTING in screen_text(app), WAIT)

        await pilot.press("n")
        assert app.link is not None
        link = app.link
        await until(lambda: len(link.unanswered) == 1, WAIT)
        [message_id] = link.unanswered
        assert moves_to(store, retro_id, Phase.CHECK_IN) == 0, "nothing reaches a server that is down"
        assert RECONNECTING in screen_text(app)

        restarted = RetroServer(None, ServerConfig(host="127.0.0.1", port=port), store=store)
        restarted.local_secret = secret  # the same `retro host` process, so the same in-memory credential
        await restarted.start()
        try:
            await until(lambda: RECONNECTING not in screen_text(app), WAIT)
            await until(lambda: app.view.board.phase is Phase.CHECK_IN, WAIT)
            await until(lambda: "Now: Check-in" in notified(app), WAIT)
            assert "2 Check-in" in screen_text(app)
            assert store.was_applied(retro_id, message_id), "sent again with the id it was given"
            assert moves_to(store, retro_id, Phase.CHECK_IN) == 1
            assert not link.unanswered
        finally:
            await restarted.stop()


async def test_a_command_whose_ack_is_lost_is_sent_again_with_its_id_and_applied_once(
    store: SqliteStore, tmp_path: Path
) -> None:
    """The connection drops after the server has applied the command and before its ack arrives."""
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        await pilot.press("b")
        session, server = session_of(app), server_of(app)
        retro_id = session.record.retro_id
        sent: list[str] = []

        def drop_the_line(events: object) -> None:
            assert app.link is not None and server._server is not None
            sent.extend(app.link.unanswered)
            for connection in server._server.connections:
                connection.transport.abort()

        session.subscribe(drop_the_line)
        await pilot.press("n")
        await until(lambda: app.view.board.phase is Phase.CHECK_IN, WAIT)
        await until(lambda: "Now: Check-in" in notified(app), WAIT)
        assert app.link is not None and not app.link.unanswered
        assert len(sent) == 1 and store.was_applied(retro_id, sent[0])
        assert moves_to(store, retro_id, Phase.CHECK_IN) == 1
        assert "Not now" not in "\n".join(notification.title for notification in app._notifications)


async def test_against_a_shared_server_it_opens_one_retro_and_resumes_that_one_after_a_restart(
    store: SqliteStore, tmp_path: Path
) -> None:
    """`retro host --server`: a team's token opens a retro; after a restart the link resumes that retro
    (its `open` is never sent again), and the clock follows the server's."""
    token = add_team(store, "Ward 7")
    config = ServerConfig(host="127.0.0.1", port=0)
    servers = [RetroServer(None, config, store=store)]
    await servers[0].start()
    base_url = servers[0].address.base_url
    app = RetroApp(RemoteHost(base_url, token, OpenAsk(title="Sprint 43")), export_dir=tmp_path)
    try:
        async with served(app) as pilot:
            assert app.link is not None and app.link.opened is not None
            retro_id = app.link.opened.retro_id
            record = store.record(retro_id)
            assert record is not None and app.join_url == f"{base_url}/j/{record.join_token}"
            await until(lambda: "Sprint 43 · Ward 7" in screen_text(app), WAIT)
            assert abs((app.now() - datetime.now(UTC)).total_seconds()) < WAIT

            await servers[0].stop()
            await until(lambda: RECONNECTING in screen_text(app), WAIT)
            servers.append(RetroServer(None, replace(config, port=servers[0].port), store=store))
            await servers[1].start()
            await until(lambda: RECONNECTING not in screen_text(app), WAIT)
            await pilot.press("b", "n")
            await until(lambda: app.view.board.phase is Phase.CHECK_IN, WAIT)
            assert app.link.opened.retro_id == retro_id
            assert [open_now.retro_id for open_now in store.open_retros("Ward 7")] == [retro_id]
            assert moves_to(store, retro_id, Phase.CHECK_IN) == 1
    finally:
        for server in servers:
            await server.stop()


async def refused_with(app: RetroApp, capfd: pytest.CaptureFixture[str]) -> str:
    """Run the app until it stops by itself; what it leaves on the terminal, as one line (the console
    wraps a long sentence at its width, as a terminal would)."""
    async with app.run_test(size=SIZE):
        await until(lambda: app.return_code is not None, WAIT)
    assert app.return_code == 1
    return " ".join(capfd.readouterr().err.split())


async def test_a_retro_the_server_does_not_have_is_refused_in_one_line(
    server: RetroServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    host = RemoteHost(server.address.base_url, server.local_secret, ResumeAsk(retro_id="no-such-retro"))
    said = await refused_with(RetroApp(host, export_dir=tmp_path), capfd)
    assert said == (
        "retro: No open retro 'no-such-retro' for this team; "
        "`retro history --server` lists the team's retros."
    )


async def test_a_wrong_token_is_refused_in_one_line(
    server: RetroServer, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    host = RemoteHost(server.address.base_url, "not-the-token-" + "x" * 20, ResumeAsk())
    said = await refused_with(RetroApp(host, export_dir=tmp_path), capfd)
    assert said == "retro: That token is wrong or has been revoked."
