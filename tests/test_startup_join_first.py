"""`retro host` starting a new retro shows its QR code before the store, the session and the server open:
the link shown then is the one phones are served, and what fails to open still ends the app in one line."""

import asyncio
import os
import pty
import select
import socket
import struct
import subprocess
from collections.abc import Sequence
from fcntl import ioctl
from pathlib import Path
from termios import TIOCSWINSZ

import pytest
from textual.widgets import Static

from cli.command import CommandFailed
from cli.host import _listening_ahead, join_first_app
from cli.main import _parser
from retro.store import EventStore
from tests.support.client import Client
from tests.support.pilot import WAIT, screen_text, text_of
from tests.support.qr_bitmap import decode
from tests.support.serve import RETRO
from tests.support.waiting import http_status, until
from tui.app import RetroApp
from tui.hosting import JoinFirstHost
from tui.screens.board import BoardScreen
from tui.screens.lobby import LobbyScreen
from tui.widgets.qr import QrCode


def _host(db: Path, *options: str) -> tuple[RetroApp, list[EventStore], socket.socket]:
    argv = ["host", "--db", str(db), "--host", "127.0.0.1", "--port", "0", *options]
    args = _parser(argv).parse_args(argv)
    listening = _listening_ahead(args)
    assert listening is not None, "a new retro on one address shows its link first"
    app, opened = join_first_app(args, listening)
    return app, opened, listening


def _shown(app: RetroApp) -> tuple[str, str]:
    """The join URL the lobby shows as text, and the one its QR code scans to."""
    lobby = app.get_screen("lobby")
    return text_of(lobby.query_one("#join-url", Static)), decode("\n".join(lobby.query_one(QrCode).lines))


async def test_the_qr_code_shows_before_the_session_opens_and_is_the_link_phones_are_served(
    tmp_path: Path,
) -> None:
    app, opened, listening = _host(tmp_path / "retro.db", "--title", "Sprint 42")
    host = app.host
    assert isinstance(host, JoinFirstHost)
    ahead = host.join_url_ahead
    assert ahead is not None
    shown_before: list[tuple[str, str]] = []
    opening = host._opening

    def watched_opening() -> object:
        shown_before.append(_shown(app))  # what the screen holds as the session starts to open
        return opening()

    host._opening = watched_opening  # type: ignore[assignment]
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await until(lambda: app.facilitator is not None, WAIT)
            assert shown_before == [(ahead, ahead)], "the code and the URL were on screen before the session"
            assert host.embedded is not None
            session, server = host.embedded.session, host.embedded.server
            assert server.join_url == ahead == f"{server.address.base_url}/j/{session.join_token}"
            assert server.port == listening.getsockname()[1]
            assert _shown(app) == (ahead, ahead)
            assert await asyncio.to_thread(http_status, ahead) == 200
            phone = await Client.join(server.websocket_url)
            await until(lambda: "1 phone joined" in screen_text(app), WAIT)
            assert "Sprint 42" in screen_text(app)
            await phone.close()

            await pilot.press("n")
            await until(lambda: isinstance(app.screen, BoardScreen), WAIT)
            await pilot.press("j")
            await until(lambda: isinstance(app.screen, LobbyScreen), WAIT)
            await pilot.press("b")
            await until(lambda: isinstance(app.screen, BoardScreen), WAIT)
            await pilot.press("j")
            await until(lambda: isinstance(app.screen, LobbyScreen), WAIT)
            await pilot.press("R")
            await until(lambda: app.screen.is_modal, WAIT)
            await pilot.press("y")
            await until(lambda: _shown(app)[0] != ahead, WAIT)
            assert _shown(app) == (server.join_url, server.join_url)
    finally:
        for store in opened:
            store.close()


async def test_a_connection_made_before_the_server_starts_is_served(tmp_path: Path) -> None:
    """Phones may scan the code while the rest loads: the kernel queues them on the socket bound first."""
    app, opened, listening = _host(tmp_path / "retro.db")
    port = listening.getsockname()[1]
    early = socket.create_connection(("127.0.0.1", port), timeout=5)  # before the app has even started
    try:
        async with app.run_test(size=(100, 40)):
            await until(lambda: app.facilitator is not None, WAIT)
            request = f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n"
            answer = await asyncio.to_thread(_exchange, early, request.encode())
            assert answer.startswith(b"HTTP/1.1 200")
    finally:
        early.close()
        for store in opened:
            store.close()


def _exchange(connection: socket.socket, request: bytes) -> bytes:
    connection.sendall(request)
    answer = b""
    while chunk := connection.recv(4096):
        answer += chunk
    return answer


async def test_a_store_that_cannot_open_ends_the_app_in_one_line(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    app, opened, listening = _host(not_a_folder / "retro.db")
    async with app.run_test(size=(100, 40)):
        await until(lambda: not app.is_running, WAIT)
    assert opened == []
    assert app.return_code == 1
    assert listening.fileno() == -1, "the socket shown is closed"


@pytest.mark.parametrize(
    ("options", "said", "code"),
    [
        (["--votes", "99"], "retro: --votes: Input should be less than or equal to 20", 2),
        (["--template", "nowhere.toml"], "retro: nowhere.toml: cannot read the template: No such file", 2),
        (
            ["--db", "/proc/retro.db"],
            "retro: cannot open the store /proc/retro.db: unable to open database file",
            1,
        ),
    ],
)
def test_what_fails_once_the_code_shows_ends_the_app_in_one_line(
    tmp_path: Path, options: Sequence[str], said: str, code: int
) -> None:
    """Run in a real terminal: options found wrong, a template that cannot be read, a store that cannot
    open. The same line, and the same exit status, as when these were checked before the app started; no
    traceback (a store that could not open used to end in one)."""
    written, status = _run_in_a_terminal(
        [*RETRO, "host", "--db", str(tmp_path / "retro.db"), "--host", "127.0.0.1", "--port", "0", *options]
    )
    assert said in written
    assert "Traceback" not in written
    assert status == code


def _run_in_a_terminal(command: list[str]) -> tuple[str, int]:
    """What `command` writes to a terminal of 100x40 until it exits, and its exit status."""
    terminal, program_side = pty.openpty()
    ioctl(program_side, TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    process = subprocess.Popen(
        command,
        stdin=program_side,
        stdout=program_side,
        stderr=program_side,
        env={**os.environ, "TERM": "xterm-256color"},
        start_new_session=True,
    )
    os.close(program_side)
    written = b""
    try:
        while True:
            ready, _, _ = select.select([terminal], [], [], WAIT)
            if not ready:
                break
            try:
                chunk = os.read(terminal, 65536)
            except OSError:  # the program has exited and closed its side
                break
            if not chunk:
                break
            written += chunk
        return written.decode(errors="replace"), process.wait(timeout=WAIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(terminal)


def test_a_port_taken_fails_before_the_app_starts(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    try:
        argv = ["host", "--db", str(tmp_path / "retro.db"), "--host", "127.0.0.1", "--port", str(port)]
        with pytest.raises(CommandFailed) as failed:
            _listening_ahead(_parser(argv).parse_args(argv))
        assert failed.value.messages == (f"cannot listen on port {port}: Address already in use",)
        assert not (tmp_path / "retro.db").exists(), "no retro was started"
    finally:
        taken.close()


def test_a_resumed_retro_opens_first() -> None:
    argv = ["host", "--resume", "--host", "127.0.0.1", "--port", "0"]
    assert _listening_ahead(_parser(argv).parse_args(argv)) is None
