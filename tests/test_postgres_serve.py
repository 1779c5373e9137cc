"""`retro serve --db postgresql://…` end to end: a real server process on a real PostgreSQL database carries a
retro from Write to Ended for six phones and the facilitator; then `retro history` and `retro export` read
it from the same database, and a database that cannot be reached fails in one line without the password."""

from pathlib import Path

import pytest

from cli.main import main
from retro.events import BALLOT_EVENT_TYPES
from retro.stores import open_store
from tests.support.client import Client
from tests.support.postgres import Cluster
from tests.support.serve import start_serve
from tests.support.whole_retro import (
    ACTIONS,
    MERGED_TITLE,
    TEAM,
    Room,
    close,
    discuss,
    record_actions,
    reveal_and_group,
    vote,
    write,
)


async def test_a_retro_runs_to_its_end_on_postgres_and_the_history_and_export_read_it(
    postgres_url: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    process, printed = start_serve(postgres_url, "--port", "0", "--title", "Sprint 42", "--team", TEAM)
    clients: list[Client] = []
    try:
        url = printed["Facilitator URL"]
        facilitator = await Client.join(url, facilitator_key=printed["Facilitator key"])
        clients = [facilitator, *[await Client.join(url) for _ in range(6)]]
        room = Room(facilitator, clients[1:])
        await write(room)
        await reveal_and_group(room)
        await vote(room)
        await discuss(room)
        await record_actions(room)
        await close(room)
        await room.move("ended")
    finally:
        for client in clients:
            await client.close()
        process.terminate()
        process.communicate(timeout=30)

    store = open_store(postgres_url)
    try:
        [record] = store.retros(TEAM)
        assert record.closed and record.retro_key is None
        assert not [event for event in store.events(record.retro_id) if event.type in BALLOT_EVENT_TYPES]
        assert store.known_phones(record.retro_id) == set()
    finally:
        store.close()

    capsys.readouterr()
    assert main(["history", "--db", postgres_url]) == 0
    history = capsys.readouterr().out
    assert record.retro_id in history and "Sprint 42" in history and TEAM in history
    out = tmp_path / "retro.md"
    assert main(["export", "latest", "--db", postgres_url, "--out", str(out)]) == 0
    markdown = out.read_text()
    assert MERGED_TITLE in markdown
    assert all(text in markdown for text, *_ in ACTIONS)


def test_a_database_that_refuses_fails_in_one_line_naming_where_but_never_the_password(
    postgres_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = postgres_cluster.url("postgres").replace(postgres_cluster.password, "Wr0ng-s3cret-pw")
    assert main(["history", "--db", wrong]) == 1
    error = capsys.readouterr().err
    assert error.startswith(
        f"retro: the PostgreSQL server at 127.0.0.1:{postgres_cluster.port}/postgres refused: "
    )
    assert error.count("\n") == 1 and "Traceback" not in error
    assert "Wr0ng-s3cret-pw" not in error and postgres_cluster.password not in error
