"""Proof, not promise: after a whole retro with several phones, no secret, hash, pseudonym, address or user
agent is anywhere it could be read — the SQLite file and its WAL, every message to the TUI and to each phone,
the log output, every export. The scanner is shown to find a planted one on each of those surfaces."""

import json
import logging
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from retro.actors import Facilitator
from retro.commands import (
    AddNote,
    ChangePhase,
    HoldItem,
    MergeTopics,
    RecordAction,
    StartDiscussion,
)
from retro.outcome import outcome_of
from retro.phases import Phase
from retro.session import Session
from retro.views import facilitator_view
from server.app import RetroServer
from tests.support.anonymity import (
    ADDRESS,
    PHONE_LOGGER,
    Needles,
    add_item_needles,
    database_surfaces,
    export_surfaces,
    join_phones,
    message_surfaces,
    scan,
)


@dataclass
class Retro:
    surfaces: dict[str, bytes]
    needles: Needles
    before_rewrite: str
    """What a held item said before its author rewrote it: the facilitator saw it, nobody keeps it."""


async def run_whole_retro(server: RetroServer, db_path: Path, caplog: pytest.LogCaptureFixture) -> Retro:
    session: Session = server.session
    needles = Needles()
    facilitator_messages: list[str] = []
    session.subscribe(
        lambda _events: facilitator_messages.append(facilitator_view(session.state).model_dump_json())
    )
    assert session.record.retro_key is not None
    retro_key = session.record.retro_key
    needles.add("per-retro key", retro_key)

    phones = await join_phones(server.websocket_url, retro_key, needles, count=4)

    facilitator = Facilitator()
    for index, phone in enumerate(phones):
        await phone.add_item(f"Handover item {index}: notes went missing", prompt_id="learning")
        await phone.add_item(f"Hard thing {index}: short-staffed nights", prompt_id="hard")
    add_item_needles(needles, phones)
    held_id = next(iter(phones[0].item_secrets))
    session.execute(facilitator, HoldItem(item_id=held_id, reason="Off topic"))
    rewritten_id = next(iter(phones[1].item_secrets))
    before_rewrite = session.state.items[rewritten_id].text
    session.execute(facilitator, HoldItem(item_id=rewritten_id, reason="Names a person"))
    await phones[1].command(
        kind="rewrite_item",
        item_id=rewritten_id,
        item_secret=phones[1].item_secrets[rewritten_id],
        text="Notes go missing between shifts",
    )
    session.execute(facilitator, ChangePhase(to=Phase.CHECK_IN))
    for value, phone in zip((6, 7, 8, 9), phones, strict=True):
        await phone.command(kind="answer_check_in", question_id="motivation", value=value)
    session.execute(facilitator, ChangePhase(to=Phase.GROUP))
    topics = list(session.state.topic_order)
    session.execute(facilitator, MergeTopics(topic_ids=(topics[0], topics[1]), title="Handover"))
    session.execute(facilitator, ChangePhase(to=Phase.VOTE))
    topics = list(session.state.topic_order)
    for phone in phones:
        await phone.command(kind="cast_vote", topic_id=topics[0])
        await phone.command(kind="cast_vote", topic_id=topics[1])
    session.execute(facilitator, ChangePhase(to=Phase.DISCUSS))
    top = session.state.ordered_topics()[0].topic_id
    session.execute(facilitator, StartDiscussion(topic_id=top))
    session.execute(facilitator, AddNote(topic_id=top, text="Try a shared template"))
    session.execute(facilitator, RecordAction(text="Draft a template", owner="Priya", due=date(2026, 12, 4)))
    session.execute(facilitator, ChangePhase(to=Phase.CLOSE))
    for phone in phones[:3]:
        await phone.command(kind="answer_roti", value=4)
    session.execute(facilitator, ChangePhase(to=Phase.ENDED))
    for phone in phones:
        await phone.wait_for("board")
        await phone.close()

    outcome = outcome_of(session.record.retro_id, session.state)
    surfaces = {
        **database_surfaces(db_path),
        "log output": "\n".join(
            r.getMessage() for r in caplog.records if r.name != PHONE_LOGGER.name
        ).encode(),
        "messages to the TUI": "\n".join(facilitator_messages).encode(),
        **message_surfaces("messages to phone", phones),
        **export_surfaces(outcome),
    }
    return Retro(surfaces, needles, before_rewrite)


@pytest.fixture
async def retro(server: RetroServer, db_path: Path, caplog: pytest.LogCaptureFixture) -> Retro:
    caplog.set_level(logging.DEBUG)
    return await run_whole_retro(server, db_path, caplog)


async def test_nothing_that_could_identify_anyone_is_anywhere(retro: Retro) -> None:
    assert len(retro.surfaces) >= 14
    assert scan(retro.surfaces, retro.needles) == []


async def test_what_a_held_item_said_before_its_rewrite_is_in_no_file_and_no_export(retro: Retro) -> None:
    kept = {name: data for name, data in retro.surfaces.items() if name.startswith(("sqlite", "export"))}
    assert len(kept) >= 9
    assert [name for name, data in kept.items() if retro.before_rewrite.encode() in data] == []
    assert b"Notes go missing between shifts" in kept["sqlite file"] + kept["sqlite wal"]


async def test_no_address_or_time_of_writing_is_stored(retro: Retro, db_path: Path) -> None:
    for surface in ("sqlite file", "sqlite wal", "log output"):
        assert ADDRESS.encode() not in retro.surfaces[surface], surface
    with sqlite3.connect(db_path) as db:
        columns = {
            row[1] for table in ("events", "retros") for row in db.execute(f"PRAGMA table_info({table})")
        }
        bodies = [json.loads(body) for (body,) in db.execute("SELECT body FROM events")]
    assert not columns & {"created_at", "timestamp", "time", "ip", "address", "user_agent", "author"}
    item_keys = {key for body in bodies if body["type"] == "item_added" for key in body}
    assert item_keys == {"type", "item_id", "prompt_id", "text", "owner_hash"}
    assert {body["owner_hash"] for body in bodies if body["type"] == "item_added"} == {""}


async def test_the_scanner_finds_a_planted_one_on_every_surface(retro: Retro, db_path: Path) -> None:
    planted = Needles()
    planted.add("planted pseudonym", "f" * 8 + secrets.token_hex(28))
    needle = planted.found["planted pseudonym 0"]
    with sqlite3.connect(db_path) as db:
        db.execute("INSERT INTO teams (team, keep) VALUES (?, 'raw')", (needle.decode(),))
    surfaces = {
        name: data + (needle if name != "sqlite file" else b"") for name, data in retro.surfaces.items()
    }
    surfaces["sqlite file"] = db_path.read_bytes() + Path(str(db_path) + "-wal").read_bytes()
    found = {surface for surface, _ in scan(surfaces, planted)}
    assert found == set(retro.surfaces)


def test_the_scanner_finds_hex_encoded_needles_too() -> None:
    needles = Needles()
    needles.add("key", "secret-value")
    assert scan({"blob": b"..." + b"secret-value".hex().encode()}, needles) == [("blob", "key 0")]


def test_the_scanner_finds_a_key_as_the_raw_bytes_a_blob_holds(db_path: Path) -> None:
    key = secrets.token_bytes(32)
    needles = Needles()
    needles.add("per-retro key", key)
    with sqlite3.connect(db_path) as db:
        db.execute("CREATE TABLE planted (key BLOB)")
        db.execute("INSERT INTO planted VALUES (?)", (key,))
    assert scan({"sqlite file": db_path.read_bytes()}, needles) == [("sqlite file", "per-retro key 0")]


def test_a_log_line_with_a_pseudonym_would_be_caught(caplog: pytest.LogCaptureFixture) -> None:
    needles = Needles()
    needles.add("pseudonym", "ab12" * 16)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("retro.websockets").error("connection from %s", "ab12" * 16)
    found = scan({"log output": "\n".join(r.getMessage() for r in caplog.records).encode()}, needles)
    assert found == [("log output", "pseudonym 0")]
