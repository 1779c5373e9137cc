"""A whole retro over real websockets: six phones and a facilitator from Review to Ended, then the next one.

Everything goes through the real server on a loopback port and a real SQLite file; the assertions are on
what the phones and the facilitator actually receive, and on what the file keeps once the retro has ended.
"""

from pathlib import Path

from retro.builtin_templates import COMPASSIONATE
from retro.events import BALLOT_EVENT_TYPES
from retro.history import history_rows
from retro.launch import open_session
from retro.secrets import owner_hash, pseudonym
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from retro.state import replay
from retro.views import board_view
from server.app import RetroServer, ServerConfig
from tests.support.client import Clients
from tests.support.whole_retro import (
    ACTIONS,
    MOTIVATION_MEAN,
    SEED,
    TEAM,
    TOTALS,
    WITHDRAWN,
    Room,
    close,
    discuss,
    file_bytes,
    record_actions,
    reveal_and_group,
    review_and_check_in,
    vote,
    write,
)


async def test_a_whole_retro_from_review_to_ended_and_on_to_the_next(tmp_path: Path) -> None:
    db_path = tmp_path / "retro.db"
    store = SqliteStore(db_path)
    try:
        session = Session.start(store, title="Sprint 42", team=TEAM, review=(SEED,))
        retro_id = session.record.retro_id
        server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
        await server.start()
        pool = Clients(server)
        try:
            facilitator = await pool.facilitator()
            room = Room(facilitator, [await pool.join() for _ in range(6)])
            await review_and_check_in(room)
            await write(room)
            await reveal_and_group(room)
            await vote(room)
            await discuss(room)
            await record_actions(room)
            await close(room)

            retro_key = session.record.retro_key
            assert retro_key is not None
            phone_secrets = [phone.secret for phone in room.phones if phone.secret is not None]
            assert len(phone_secrets) == 6
            pseudonyms = [pseudonym(retro_key, secret) for secret in phone_secrets]
            before = file_bytes(db_path)
            assert all(p.encode() in before for p in pseudonyms), "the ballots are on disk until the end"
            assert retro_key in before

            ended = await room.move("ended")
            await room.phones[0].refused("answer_roti", "closed", value=1)
            await room.phones[1].refused(
                "add_item", "closed", prompt_id="hard", text="Late", owner_hash="a" * 64
            )
            await room.drain()
            assert all(board == ended[1] for board in ended)

            on_disk = file_bytes(db_path)
            assert on_disk, "the file is there"
            for secret in [*pseudonyms, *phone_secrets, *room.item_secrets, retro_key.hex()]:
                assert secret.encode() not in on_disk, secret
            assert retro_key not in on_disk
            for client in room.everyone:
                assert not [raw for raw in client.received if WITHDRAWN in raw]
                hashes = [owner_hash(secret) for secret in room.item_secrets]
                for secret in [*pseudonyms, *phone_secrets, *room.item_secrets, *hashes]:
                    assert not [raw for raw in client.received if secret in raw]
        finally:
            await pool.close_all()
            await server.stop()

        events = store.events(retro_id)
        assert not [event for event in events if event.type in BALLOT_EVENT_TYPES]
        record = store.record(retro_id)
        assert record is not None and record.retro_key is None and record.closed
        replayed = replay(retro_id, events)
        assert replayed == session.state
        outcome = board_view(replayed)
        assert outcome.model_dump(mode="json") == ended[1], "the phones' last board is the lasting outcome"
        assert [(t.title, t.votes) for t in outcome.topics][: len(TOTALS)] == TOTALS
        assert [(a.text, a.owner, a.due.isoformat(), a.topic_title) for a in outcome.actions] == ACTIONS
        [motivation, supported] = outcome.check_in
        assert (motivation.answered, motivation.mean) == (6, MOTIVATION_MEAN)
        assert (supported.answered, supported.mean) == (2, None)
        assert outcome.roti is not None and (outcome.roti.answered, outcome.roti.mean) == (4, 4.0)
        assert [n.text for n in outcome.notes] == ["Nobody wants to deploy on a Friday"]

        await the_next_retro_reviews_the_actions(store, retro_id)
    finally:
        store.close()


async def the_next_retro_reviews_the_actions(store: SqliteStore, first_id: str) -> None:
    [first_row] = history_rows(store, TEAM)
    assert (first_row.title, first_row.team, first_row.items) == ("Sprint 42", TEAM, 9)
    assert first_row.check_in_mean == MOTIVATION_MEAN
    assert (first_row.actions_open, first_row.actions_done) == (2, 0)

    second = open_session(
        store,
        resume=False,
        title="Sprint 43",
        team=TEAM,
        template=COMPASSIONATE,
        settings=RetroSettings(),
    )
    server = RetroServer(second, ServerConfig(host="127.0.0.1", port=0))
    await server.start()
    pool = Clients(server)
    try:
        phone = await pool.join()
        board = (await phone.wait_for("board"))["board"]
        assert (board["title"], board["phase"]) == ("Sprint 43", "review")
        review = [(r["text"], r["owner"], r["due"], r["from_title"], r["outcome"]) for r in board["review"]]
        assert review == [(text, owner, due, "Sprint 42", None) for text, owner, due, _ in ACTIONS]
        assert all(r["ref"].startswith(f"{first_id}/") for r in board["review"])
        facilitator = await pool.facilitator()
        await facilitator.command("review_action", ref=board["review"][0]["ref"], outcome="done")
        reviewed = await phone.wait_for("board", lambda m: m["board"]["review"][0]["outcome"] == "done")
        assert reviewed["board"]["review"][1]["outcome"] is None
    finally:
        await pool.close_all()
        await server.stop()

    first_row, second_row = history_rows(store, TEAM)
    assert (first_row.title, first_row.actions_open, first_row.actions_done) == ("Sprint 42", 1, 1)
    assert (second_row.title, second_row.items, second_row.check_in_mean) == ("Sprint 43", 0, None)
    assert history_rows(store, "Another team") == []
