"""The `retro` command as a user runs it: a real process, a real SQLite file, a real port."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore

RETRO = [sys.executable, "-m", "tui.cli"]


def test_schema_prints_the_protocol_json_schema() -> None:
    result = subprocess.run([*RETRO, "schema"], capture_output=True, text=True, check=True)
    schema = json.loads(result.stdout)
    assert schema["version"] == 1
    client = json.dumps(schema["client"])
    for kind in (
        "hello",
        "add_item",
        "withdraw_item",
        "cast_vote",
        "retract_vote",
        "change_phase",
        "record_action",
    ):
        assert f'"{kind}"' in client
    assert '"ack"' in json.dumps(schema["server"])


def test_bad_options_get_a_one_line_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), "--votes", "0"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "--votes" in result.stderr and "greater than or equal to 1" in result.stderr


def test_resume_without_an_open_retro_says_so(tmp_path: Path) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), "--resume"], capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "no open retro to resume" in result.stderr


def _start_serve(db: Path, *extra: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process = subprocess.Popen(
        [*RETRO, "serve", "--db", str(db), "--host", "127.0.0.1", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    printed: dict[str, str] = {}
    while len(printed) < 4:
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"retro serve stopped: {process.stderr.read() if process.stderr else ''}")
        name, _, value = line.partition(":")
        printed[name.strip()] = value.strip()
    return process, printed


async def test_serve_prints_urls_and_a_killed_server_resumes_on_the_same_url(tmp_path: Path) -> None:
    from tests.phone import Phone

    db = tmp_path / "r.db"
    process, printed = _start_serve(db, "--port", "0", "--title", "Kill me")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/j/[A-Za-z0-9_-]{22}", printed["Join URL"])
        assert printed["Facilitator URL"].startswith("ws://127.0.0.1:")
        phone = await Phone.join(printed["Facilitator URL"], secret="the-same-phone-secret-0001")
        await phone.add_item("Survives a crash")
        await phone.close()
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()

    resumed, printed_again = _start_serve(db, "--resume")
    try:
        assert printed_again["Join URL"] == printed["Join URL"]
        phone = await Phone.join(printed_again["Facilitator URL"], secret="the-same-phone-secret-0001")
        board = await phone.wait_for("board")
        assert board["board"]["title"] == "Kill me"
        assert board["board"]["counts"]["learning"] == 1
        await phone.close()
    finally:
        resumed.send_signal(signal.SIGINT)
        resumed.communicate(timeout=10)
        assert resumed.returncode == 0

    store = SqliteStore(db)
    record = store.latest_open_retro()
    assert record is not None
    assert Session.resume(store, record).state.phase is Phase.WRITE
    store.close()


@pytest.mark.parametrize("flag", ["--certfile", "--keyfile"])
def test_missing_tls_files_are_named(tmp_path: Path, flag: str) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), flag, str(tmp_path / "nope.pem")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "nope.pem" in result.stderr
