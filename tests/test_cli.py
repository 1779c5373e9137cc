"""The `retro` command as a user runs it: a real process, a real SQLite file, a real port."""

import json
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.retro_fixtures import run_retro
from tests.support.serve import RETRO, start_serve

_SAYS_WHETHER_TEXTUAL_LOADED = """
import atexit, runpy, sys
said = lambda: print("textual loaded" if "textual" in sys.modules else "no textual", file=sys.stderr)
atexit.register(said)
sys.argv = ["retro", *sys.argv[1:]]
runpy.run_module("cli", run_name="__main__")
"""
RETRO_WATCHING_TEXTUAL = [sys.executable, "-c", _SAYS_WHETHER_TEXTUAL_LOADED]


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


async def test_serve_prints_urls_and_a_killed_server_resumes_on_the_same_url(tmp_path: Path) -> None:
    from tests.support.client import Client

    db = tmp_path / "r.db"
    process, printed = start_serve(db, "--port", "0", "--title", "Kill me")
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/j/[A-Za-z0-9_-]{22}", printed["Join URL"])
        assert printed["Facilitator URL"].startswith("ws://127.0.0.1:")
        facilitator = await Client.join(
            printed["Facilitator URL"], facilitator_key=printed["Facilitator key"]
        )
        await facilitator.command(kind="change_phase", to="write")
        await facilitator.close()
        phone = await Client.join(printed["Facilitator URL"], secret="the-same-phone-secret-0001")
        await phone.add_item("Survives a crash")
        await phone.close()
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()

    resumed, printed_again = start_serve(db, "--resume")
    try:
        assert printed_again["Join URL"] == printed["Join URL"]
        phone = await Client.join(printed_again["Facilitator URL"], secret="the-same-phone-secret-0001")
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
    assert record.port is not None and printed["Join URL"].startswith(f"http://127.0.0.1:{record.port}/")
    store.close()


def test_templates_lists_the_built_ins() -> None:
    result = subprocess.run([*RETRO, "templates"], capture_output=True, text=True, check=True)
    names = [line.split()[0] for line in result.stdout.splitlines()[:5]]
    assert names == ["compassionate", "start-stop-continue", "mad-sad-glad", "4ls", "abc"]
    assert "What's the learning here?" in result.stdout


def test_a_bad_template_file_is_named_with_its_line(tmp_path: Path) -> None:
    template = tmp_path / "ours.toml"
    template.write_text('name = "ours"\ntitle = "Ours"\nprompts = []\n')
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), "--template", str(template)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"retro: {template}:3: prompts: Tuple should have at least 1 item after validation, not 0."
    )


def test_history_lists_past_retros_with_thresholded_check_in(tmp_path: Path) -> None:
    from retro.actors import Facilitator, Participant
    from retro.builtin_templates import DEFAULT_TEMPLATE
    from retro.commands import AnswerCheckIn, ChangePhase
    from retro.launch import open_session
    from retro.settings import RetroSettings

    db = tmp_path / "r.db"
    store = SqliteStore(db)
    for title, answers in (("Sprint 41", 3), ("Sprint 42", 2)):
        session = open_session(
            store,
            resume=False,
            title=title,
            team="Ward 7",
            template=DEFAULT_TEMPLATE,
            settings=RetroSettings(),
        )
        session.execute(Facilitator(), ChangePhase(to=Phase.CHECK_IN))
        for n in range(answers):
            session.execute(Participant(f"p{n}"), AnswerCheckIn(question_id="motivation", value=6 + n))
        session.execute(Facilitator(), ChangePhase(to=Phase.ENDED))
    store.close()
    result = subprocess.run(
        [*RETRO, "history", "--db", str(db), "--team", "Ward 7"], capture_output=True, text=True
    )
    header, first, second = result.stdout.splitlines()
    assert header.split() == ["id", "date", "team", "title", "items", "check-in", "open", "done", "kept"]
    assert "Sprint 41" in first and first.split()[-5:] == ["0", "7.0", "0", "0", "raw"]
    assert "Sprint 42" in second and second.split()[-5:] == ["0", "—", "0", "0", "raw"], (
        "2 answers stay hidden"
    )


@pytest.mark.parametrize("flag", ["--certfile", "--keyfile"])
def test_missing_tls_files_are_named(tmp_path: Path, flag: str) -> None:
    result = subprocess.run(
        [*RETRO, "serve", "--db", str(tmp_path / "r.db"), flag, str(tmp_path / "nope.pem")],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "nope.pem" in result.stderr


def test_every_command_but_host_runs_without_textual(session: Session, db_path: Path, tmp_path: Path) -> None:
    run_retro(session, end=True)
    exported = tmp_path / "sprint-42.json"
    for command, shows in (
        (["--help"], "usage: retro"),
        (["host", "--help"], "usage: retro host"),
        (["history", "--db", str(db_path)], "Sprint 42"),
        (["export", "latest", "--db", str(db_path), "--format", "json", "--out", str(exported)], "sprint-42"),
        (["import", str(exported), "--db", str(tmp_path / "elsewhere.db")], "Imported 'Sprint 42'"),
        (["forget", "latest", "--db", str(db_path)], "Forgot the raw items of 'Sprint 42'"),
    ):
        result = subprocess.run([*RETRO_WATCHING_TEXTUAL, *command], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert shows in result.stdout
        assert result.stderr.splitlines()[-1] == "no textual", f"retro {' '.join(command)} loaded textual"


def test_serve_runs_without_textual(tmp_path: Path) -> None:
    process, printed = start_serve(tmp_path / "r.db", "--port", "0", retro=RETRO_WATCHING_TEXTUAL)
    with urllib.request.urlopen(printed["Join URL"]) as page:
        assert page.status == 200, "the server is up and its loop is serving, so Ctrl-C stops it cleanly"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 0
    assert stderr.splitlines()[-1] == "no textual"
