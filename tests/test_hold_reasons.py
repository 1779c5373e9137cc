"""Why an item is held, as its author's phone reads it: a preset travels as its code (the phone words it in
its own language), never as its English; the facilitator's own words travel as written. An older retro's
holds, stored as the preset's English, read back as codes. A code the server does not know is refused.

A real server on a loopback port, real websocket clients and a real SQLite file throughout.
"""

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, ChangePhase, HoldItem
from retro.hold_reasons import PRESET_ENGLISH, PRESET_MARK, HoldReasonCode
from retro.phases import Phase
from retro.screening import HeldNotice, held_notices, new_nonce, unseal
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import RetroServer
from tests.support.client import Client, Clients
from tests.support.doors import LogWatch
from tests.support.static_files import STATIC
from tui.dialogs.hold_reason import HOLD_REASONS

OWN_WORDS = "Say what happened, not who"


@pytest.fixture
async def clients(resealing_server: RetroServer) -> AsyncIterator[Clients]:
    """Clients of a server that seals its held notices again every half second, so a hold arrives at once."""
    pool = Clients(resealing_server)
    yield pool
    await pool.close_all()


def opened_by(client: Client, item_id: str, message: dict[str, Any]) -> str | None:
    """What the author's phone opens for this item from one board message: its sealed reason, or None."""
    mine = owner_hash(client.item_secrets[item_id])
    notices = [HeldNotice.model_validate(notice) for notice in message["held_notices"]]
    return next((r for n in notices if (r := unseal(n, mine, message["notice_nonce"])) is not None), None)


async def reason_for(author: Client, item_id: str) -> str:
    """Wait for the board whose sealed notices hold this item's reason, and open it as the author would."""
    while True:
        message = await author.wait_for("board")
        if (reason := opened_by(author, item_id, message)) is not None:
            return reason


async def test_a_preset_reaches_its_author_as_its_code_and_own_words_as_written(
    clients: Clients, resealing_server: RetroServer
) -> None:
    author, facilitator = await clients.join(), await clients.facilitator()
    preset_id = await author.add_item("Sam never answers the bay 4 call bell")
    own_id = await author.add_item("Our team lead keeps skipping handovers")

    await facilitator.command("hold_item", item_id=preset_id, reason_code="could_identify")
    await facilitator.command("hold_item", item_id=own_id, reason=OWN_WORDS)

    assert await reason_for(author, preset_id) == PRESET_MARK + "could_identify"
    assert await reason_for(author, own_id) == OWN_WORDS
    for english in PRESET_ENGLISH.values():
        assert [frame for frame in author.received if english in frame] == [], (
            "no preset's English to a phone"
        )
    assert resealing_server.session.state.held == {
        preset_id: "Could identify someone",
        own_id: OWN_WORDS,
    }, "the facilitator still reads the English"


async def test_a_hold_worded_as_a_presets_english_travels_as_its_code(
    clients: Clients, resealing_server: RetroServer
) -> None:
    """The TUI lists the presets' English; a hold so worded is the preset, and the phone is told its code."""
    author = await clients.join()
    item_id = await author.add_item("Off on a tangent about the car park")
    assert HOLD_REASONS == tuple(PRESET_ENGLISH.values())
    command = HoldItem(item_id=item_id, reason="Off topic")
    assert (command.reason_code, command.reason) == (HoldReasonCode.OFF_TOPIC, None)
    assert json.loads(command.model_dump_json())["reason_code"] == "off_topic"
    resealing_server.session.execute(Facilitator(), command)
    assert await reason_for(author, item_id) == PRESET_MARK + "off_topic"


async def test_an_unknown_reason_code_is_refused_by_name_and_nothing_is_held(
    clients: Clients, resealing_server: RetroServer, logs: LogWatch
) -> None:
    author, facilitator = await clients.join(), await clients.facilitator()
    item_id = await author.add_item("Sam never answers the bay 4 call bell")

    unknown = await facilitator.refused("hold_item", "invalid", item_id=item_id, reason_code="rude")
    assert "reason_code" in unknown["message"]
    assert all(code in unknown["message"] for code in HoldReasonCode), unknown["message"]
    both = await facilitator.refused(
        "hold_item", "invalid", item_id=item_id, reason_code="off_topic", reason="x"
    )
    neither = await facilitator.refused("hold_item", "invalid", item_id=item_id)
    for refusal in (both, neither):
        assert "give one of reason_code" in refusal["message"] and "own words" in refusal["message"]
    assert resealing_server.session.state.held == {}
    await facilitator.command("hold_item", item_id=item_id, reason_code="names_a_person")
    assert resealing_server.session.state.held == {item_id: "Names or points at a person"}
    logs.assert_quiet()


def test_an_older_retros_english_preset_reads_back_as_its_code(db_path: Path) -> None:
    """Before holds carried codes, a preset was stored as its English: those holds are presets still, and
    their authors' phones word them in their own language; an older hold in own words stays as written."""
    store = SqliteStore(db_path)
    session = Session.start(store, title="Sprint 41", team="Ward 7")
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    writer = Participant("writer")
    preset_id, own_id = (
        session.execute(
            writer, AddItem(prompt_id="hard", text=text, owner_hash=owner_hash(f"{text} secret"))
        ).item_id
        for text in ("Sam is rude to new starters", "The rota is always late")
    )
    assert preset_id is not None and own_id is not None
    session.execute(Facilitator(), HoldItem(item_id=preset_id, reason_code=HoldReasonCode.NOT_KIND))
    session.execute(Facilitator(), HoldItem(item_id=own_id, reason=OWN_WORDS))
    record = session.record
    store.close()

    with sqlite3.connect(db_path) as db:  # as an older version wrote them: the reason's words alone
        for seq, body in db.execute("SELECT seq, body FROM events WHERE body LIKE '%item_held%'").fetchall():
            event = json.loads(body)
            older = {"type": "item_held", "item_id": event["item_id"], "reason": words(event)}
            db.execute("UPDATE events SET body = ? WHERE seq = ?", (json.dumps(older), seq))
        stored = [
            json.loads(body) for (body,) in db.execute("SELECT body FROM events WHERE body LIKE '%held%'")
        ]
    assert all("reason_code" not in event for event in stored)
    db.close()

    reopened = SqliteStore(db_path)
    try:
        state = Session.resume(reopened, record).state
        nonce = new_nonce()
        notices = held_notices(state, nonce)
        opened = {
            item_id: next(r for n in notices if (r := unseal(n, state.items[item_id].owner_hash, nonce)))
            for item_id in (preset_id, own_id)
        }
        assert opened == {preset_id: PRESET_MARK + "not_kind", own_id: OWN_WORDS}
        assert state.held[preset_id] == "Not kind — could you reframe it?"
    finally:
        reopened.close()


def words(event: dict[str, Any]) -> str:
    code = event["reason_code"]
    return PRESET_ENGLISH[HoldReasonCode(code)] if code is not None else str(event["reason"])


def test_every_preset_has_a_message_whose_english_is_what_the_facilitator_reads() -> None:
    english = json.loads((STATIC / "locales" / "en.json").read_text(encoding="utf-8"))
    assert {key: english.get(key) for key in (f"hold.reason.{code}" for code in HoldReasonCode)} == {
        f"hold.reason.{code}": text for code, text in PRESET_ENGLISH.items()
    }
