"""The `retro` command against a real `retro serve` process: the operator's `retro team`, a facilitator's
`retro login`, and history, export, forget and import with `--server`. Each command runs as its own process,
with a home directory of its own, as a user runs it."""

import json
import os
import pty
import re
import signal
import socket
import stat
import struct
import subprocess
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fcntl import ioctl
from pathlib import Path
from termios import TIOCSWINSZ

import pyte
import pytest

from retro.session import Session
from tests.support.client import Client
from tests.support.facilitator import TokenClient
from tests.support.retro_fixtures import run_retro
from tests.support.serve import RETRO, self_signed, start_serve
from tests.support.team_server import TeamServer, team_server
from tests.support.terminal import Terminal

WRONG_TOKEN = "That token is wrong or has been revoked."
TEAM_TOKEN = re.compile(r"rtm_[A-Za-z0-9_-]{32}")


@dataclass(frozen=True)
class Shell:
    """Where the commands run: a working directory and a home of their own, so logins stay in the test."""

    home: Path

    @property
    def logins(self) -> Path:
        return self.home / "config" / "retro" / "servers.json"

    def environment(self, **variables: str) -> dict[str, str]:
        ours = {name: value for name, value in os.environ.items() if not name.startswith("RETRO_")}
        places = {"HOME": str(self.home), "XDG_CONFIG_HOME": str(self.home / "config")}
        places["XDG_DATA_HOME"] = str(self.home / "data")
        return ours | places | variables

    def run(self, *args: str, piped: str = "", **variables: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*RETRO, *args],
            capture_output=True,
            text=True,
            input=piped,
            env=self.environment(**variables),
            cwd=self.home,
            start_new_session=True,  # no terminal of its own to ask on
            timeout=60,
        )

    @contextmanager
    def at_a_terminal(self, *args: str, columns: int = 100, lines: int = 10) -> Iterator[Terminal]:
        """The command in a pseudo-terminal of its own, as a person types at it."""
        terminal, program_side = pty.openpty()
        ioctl(program_side, TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        process = subprocess.Popen(
            [*RETRO, *args],
            stdin=program_side,
            stdout=program_side,
            stderr=program_side,
            env=self.environment(TERM="xterm-256color", TEXTUAL_ANIMATIONS="none"),
            cwd=self.home,
            start_new_session=True,
        )
        os.close(program_side)
        screen = pyte.Screen(columns, lines)
        try:
            yield Terminal(terminal, screen, pyte.ByteStream(screen))
            assert process.wait(timeout=30) == 0
        finally:
            process.kill()
            os.close(terminal)

    def ok(self, *args: str, **variables: str) -> str:
        result = self.run(*args, **variables)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        return result.stdout

    def fails(self, *args: str, **variables: str) -> str:
        """A command that must fail in one plain line; that line, without the `retro: `."""
        result = self.run(*args, **variables)
        assert result.returncode != 0, result.stdout
        assert "Traceback" not in result.stderr
        [line] = result.stderr.splitlines()
        assert line.startswith("retro: "), line
        return line.removeprefix("retro: ")


@pytest.fixture
def shell(tmp_path: Path) -> Shell:
    home = tmp_path / "home"
    home.mkdir()
    return Shell(home)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[TeamServer]:
    async with team_server(tmp_path / "org.db") as running:
        yield running


def add_team(shell: Shell, server: TeamServer, name: str) -> str:
    """`retro team add` by the operator; the team's token, as printed on the first line."""
    printed = shell.ok(
        "team", "add", name, "--server", server.base_url, "--operator-token", server.operator_token
    )
    token = printed.splitlines()[0]
    assert TEAM_TOKEN.fullmatch(token), printed
    return token


async def ended_retro(server: TeamServer, token: str, title: str) -> str:
    """A retro a team opens with its token and runs to the end: a phone's two items, an action; its id."""
    facilitator = await TokenClient.hello(server.door, token)
    opened = await facilitator.open(title)
    assert facilitator.join_path is not None
    phone = await Client.join(server.phone_url(facilitator.join_path))
    await facilitator.move("write")
    await phone.add_item("Handover notes got lost", "hard")
    await phone.add_item("Pairing on nights helped", "learning")
    await facilitator.move("discuss")
    await facilitator.client.command(
        "record_action", text="Write a handover checklist", owner="Sam", due="2026-12-04"
    )
    await facilitator.move("ended")
    await phone.close()
    await facilitator.close()
    retro_id: str = opened["retro_id"]
    return retro_id


def test_the_operator_token_is_printed_on_the_first_start_only(tmp_path: Path) -> None:
    db = tmp_path / "org.db"
    for start, shows_token in ((1, True), (2, False)):
        process, printed = start_serve(db, "--port", "0", own_retro=False)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
        assert ("Operator token" in printed) is shows_token, f"start {start}: {printed}"
        if shows_token:
            assert re.fullmatch(r"rop_[A-Za-z0-9_-]{32}", printed["Operator token"])
        assert printed["Server URL"].startswith("http://127.0.0.1:")


async def test_the_operator_adds_lists_and_revokes_teams(shell: Shell, server: TeamServer) -> None:
    url = server.base_url
    added = shell.ok("team", "add", "Ward 7", "--server", url, "--operator-token", server.operator_token)
    token, *explained = added.splitlines()
    assert TEAM_TOKEN.fullmatch(token)
    assert "shown this once" in explained[0]
    assert f"retro host --server {url} --token TOKEN" in explained[1] and f"retro login {url}" in explained[1]
    as_operator = {"RETRO_SERVER": url, "RETRO_OPERATOR_TOKEN": server.operator_token}

    listed = shell.ok("team", "list", **as_operator).splitlines()
    assert listed[0].split() == ["team", "open", "retros", "revoked"]
    assert listed[1].split() == ["Ward", "7", "0", "no"]
    assert shell.ok("history", "--server", url, "--token", token) == "No retros yet.\n"

    assert "revoked" in shell.ok("team", "revoke", "Ward 7", **as_operator)
    assert shell.ok("team", "list", **as_operator).splitlines()[1].split() == ["Ward", "7", "0", "yes"]
    assert shell.fails("history", "--server", url, "--token", token) == WRONG_TOKEN
    assert shell.fails("team", "revoke", "Pharmacy", **as_operator).startswith("there is no team 'Pharmacy'")


async def test_only_the_operator_token_manages_teams(shell: Shell, server: TeamServer) -> None:
    token = add_team(shell, server, "Ward 7")
    url = server.base_url
    assert (
        shell.fails("team", "add", "Pharmacy", "--server", url, "--operator-token", token)
        == "Only the operator token manages teams."
    )
    wrong = "rop_" + "x" * 32
    assert shell.fails("team", "list", "--server", url, "--operator-token", wrong) == WRONG_TOKEN
    assert "--operator-token or set RETRO_OPERATOR_TOKEN" in shell.fails("team", "list", "--server", url)
    listed = shell.ok("team", "list", "--server", url, "--operator-token", server.operator_token)
    assert "Pharmacy" not in listed, "the team's token added no team"


async def test_login_keeps_the_token_for_the_user_alone_and_later_commands_use_it(
    shell: Shell, server: TeamServer
) -> None:
    token = add_team(shell, server, "Ward 7")
    url = server.base_url
    shell.logins.parent.mkdir(parents=True)
    shell.logins.write_text("{}")
    shell.logins.chmod(0o644)

    with shell.at_a_terminal("login", url + "/") as terminal:
        assert terminal.wait_until(lambda shown: f"Team token for {url} (not shown):" in shown)
        terminal.press(token + "\n")
        assert terminal.wait_until(lambda shown: "Logged in" in shown)
    assert token.encode() not in terminal.written, "typed without an echo"
    assert stat.S_IMODE(shell.logins.stat().st_mode) == 0o600
    assert json.loads(shell.logins.read_text()) == {url: token}

    assert shell.ok("history", "--server", url) == "No retros yet.\n"
    assert shell.ok("history", RETRO_SERVER=url) == "No retros yet.\n"

    assert "Logged out" in shell.ok("logout", url)
    assert json.loads(shell.logins.read_text()) == {}
    piped = shell.run("login", url, piped=token + "\n")
    assert (piped.returncode, piped.stderr) == (0, ""), "a token piped in is read without a prompt"
    assert json.loads(shell.logins.read_text()) == {url: token}
    shell.ok("logout", url)
    assert shell.fails("history", "--server", url) == (
        f"no token for {url}: give --token, set RETRO_TOKEN, or run `retro login {url}`."
    )


async def test_login_keeps_no_token_the_server_refuses_nor_the_operators(
    shell: Shell, server: TeamServer
) -> None:
    url = server.base_url
    assert shell.fails("login", url, "--token", "rtm_" + "x" * 32) == WRONG_TOKEN
    assert "the operator token" in shell.fails("login", url, RETRO_TOKEN=server.operator_token)
    assert shell.fails("login", url, "--token", "not a token") == (
        "--token: that is not a retro token; they look like rtm_… or rop_…"
    )
    assert shell.fails("login", url) == "no token given; nothing kept."
    assert not shell.logins.exists()


def test_a_damaged_login_file_is_named_in_one_line(shell: Shell) -> None:
    shell.logins.parent.mkdir(parents=True)
    shell.logins.write_text('{"http://127.0.0.1:8765": 42}')
    failure = shell.fails("history", "--server", "http://127.0.0.1:8765")
    assert failure.startswith(f"{shell.logins} is not a file of retro logins (http://127.0.0.1:8765: ")
    assert failure.endswith("fix it, or delete it and `retro login` again.")


async def test_history_export_and_forget_reach_the_teams_own_retros(
    shell: Shell, server: TeamServer, tmp_path: Path
) -> None:
    ward, pharmacy = add_team(shell, server, "Ward 7"), add_team(shell, server, "Pharmacy")
    retro_id = await ended_retro(server, ward, "Night shift retro")
    as_ward = {"RETRO_SERVER": server.base_url, "RETRO_TOKEN": ward}

    [header, row] = shell.ok("history", **as_ward).splitlines()
    assert header.split()[:4] == ["id", "date", "team", "title"]
    assert row.startswith(retro_id) and "Ward 7" in row and "Night shift retro" in row
    assert row.split()[-5:] == ["2", "—", "1", "0", "raw"]

    local = tmp_path / "local.md"
    shell.ok("export", retro_id, "--db", str(server.db), "--out", str(local))
    assert shell.ok("export", retro_id[:8], "--out", "remote.md", **as_ward) == "remote.md\n"
    remote = (shell.home / "remote.md").read_text()
    assert remote == local.read_text()
    assert "Handover notes got lost" in remote and "Write a handover checklist" in remote

    as_pharmacy = {"RETRO_SERVER": server.base_url, "RETRO_TOKEN": pharmacy}
    not_found = f"No retro {retro_id!r}; `retro history` lists them, or use `latest`."
    assert shell.fails("export", retro_id, **as_pharmacy) == not_found
    assert shell.fails("forget", retro_id, **as_pharmacy) == not_found
    assert shell.ok("history", **as_pharmacy) == "No retros yet.\n"

    forgot = shell.ok("forget", "latest", **as_ward)
    assert forgot.startswith("Forgot the raw items of 'Night shift retro'")
    assert shell.ok("history", **as_ward).splitlines()[1].split()[-1] == "outcome"


async def test_import_brings_a_teams_own_export_onto_the_server(
    shell: Shell, server: TeamServer, session: Session, db_path: Path
) -> None:
    ward, pharmacy = add_team(shell, server, "Ward 7"), add_team(shell, server, "Pharmacy")
    run_retro(session, end=True)
    exported = shell.home / "sprint-42.json"
    shell.ok("export", "latest", "--db", str(db_path), "--format", "json", "--out", str(exported))

    imported = shell.ok("import", str(exported), "--server", server.base_url, "--token", ward)
    when, retro_id = session.record.created_on.isoformat(), session.record.retro_id
    assert imported == f"Imported 'Sprint 42' ({when}) into history as {retro_id}.\n"
    assert "Sprint 42" in shell.ok("history", "--server", server.base_url, "--token", ward)
    assert "is already in this history" in shell.fails(
        "import", str(exported), "--server", server.base_url, "--token", ward
    )
    assert shell.fails("import", str(exported), "--server", server.base_url, "--token", pharmacy) == (
        "That outcome is team 'Ward 7''s; a team's token imports only its own retros."
    )
    exported.write_text('{"format": "retro-outcome"}')
    assert shell.fails("import", str(exported), "--server", server.base_url, "--token", ward).startswith(
        f"{exported}: not a retro JSON export: "
    )


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    ("server_url", "says"),
    [
        ("ftp://example.org", "URL scheme should be 'http', 'https', 'ws' or 'wss'"),
        ("garbage", "relative URL without a base"),
        ("http://127.0.0.1:99999", "invalid port number"),
        ("http://127.0.0.1:{closed}", "cannot reach http://127.0.0.1:{closed}: Connection refused."),
    ],
)
@pytest.mark.parametrize(
    "command",
    [
        ["history", "--server", "{url}", "--token", "rtm_abc"],
        ["export", "latest", "--server", "{url}", "--token", "rtm_abc"],
        ["forget", "latest", "--server", "{url}", "--token", "rtm_abc"],
        ["team", "list", "--server", "{url}", "--operator-token", "rop_abc"],
        ["login", "{url}", "--token", "rtm_abc"],
    ],
)
def test_a_bad_server_fails_in_one_line(shell: Shell, server_url: str, says: str, command: list[str]) -> None:
    closed = str(_closed_port())
    server_url, says = server_url.format(closed=closed), says.format(closed=closed)
    assert says in shell.fails(*(part.format(url=server_url) for part in command))


async def test_an_address_that_is_no_retro_servers_fails_in_one_line(
    shell: Shell, server: TeamServer
) -> None:
    elsewhere = server.base_url + "/not/here"
    assert shell.fails("history", "--server", elsewhere, "--token", "rtm_abc") == (
        f"{elsewhere} is not a retro server: it answered HTTP 404 at /ws/host."
    )


def test_a_local_database_and_a_server_are_one_or_the_other(shell: Shell, tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    assert shell.fails("history", "--db", db, "--server", "http://127.0.0.1:1") == (
        "give --db (a local file) or --server (a retro server), not both."
    )
    assert shell.ok("history", "--db", db, RETRO_SERVER="garbage") == "No retros yet.\n", "--db wins"


async def test_a_server_over_tls_is_trusted_through_ssl_cert_file(shell: Shell, tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path)
    async with team_server(tmp_path / "org.db", "--certfile", str(cert), "--keyfile", str(key)) as server:
        url = server.base_url
        assert url.startswith("https://")
        as_operator = {"RETRO_SERVER": url, "RETRO_OPERATOR_TOKEN": server.operator_token}
        untrusted = shell.fails("team", "list", **as_operator)
        assert untrusted.startswith(f"cannot trust {url}: self-signed certificate;")
        assert untrusted.endswith("set SSL_CERT_FILE to that certificate's file.")
        assert shell.ok("team", "list", SSL_CERT_FILE=str(cert), **as_operator).startswith("No teams yet")
        plain = url.replace("https://", "http://")
        assert "if it serves https, say so in its URL" in shell.fails(
            "team", "list", **(as_operator | {"RETRO_SERVER": plain})
        )


async def test_retro_host_runs_a_teams_retro_on_the_server_with_the_token_kept_by_login(
    shell: Shell, server: TeamServer
) -> None:
    token = add_team(shell, server, "Ward 7")
    shell.ok("login", server.base_url, piped=token + "\n")
    with shell.at_a_terminal(
        "host", "--server", server.base_url, "--title", "Sprint 43", lines=30
    ) as terminal:
        assert terminal.wait_until(lambda shown: "Sprint 43 · Ward 7" in shown), terminal.text()
        assert terminal.wait_until(lambda shown: f"{server.base_url}/j/" in shown), terminal.text()
        terminal.press("\x11")  # ctrl+q: the command must then exit 0
    listed = shell.ok("history", "--server", server.base_url)
    assert "Sprint 43" in listed


def test_ctrl_c_while_waiting_for_a_server_ends_in_one_line(shell: Shell) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        process = subprocess.Popen(
            [*RETRO, "history", "--server", url, "--token", "rtm_" + "x" * 32],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=shell.environment(),
            cwd=shell.home,
        )
        connection, _ = silent.accept()  # the command is now waiting for a handshake that never comes
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=30)
        connection.close()
    assert process.returncode == 130
    assert stderr == "retro: interrupted.\n"


async def test_a_reader_that_goes_away_gets_no_traceback(shell: Shell, server: TeamServer) -> None:
    """As `retro team add … | head -0`: the pipe is closed before the token is printed."""
    command = [
        *RETRO,
        "team",
        "add",
        "Ward 9",
        "--server",
        server.base_url,
        "--operator-token",
        server.operator_token,
    ]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=shell.environment(), cwd=shell.home
    ) as pipe:
        assert pipe.stdout is not None and pipe.stderr is not None
        pipe.stdout.close()
        errors = pipe.stderr.read()
        assert pipe.wait(timeout=30) == 1
    assert errors == b""
