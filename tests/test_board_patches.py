"""Versions and patches over a real server: a phone that applies patches holds, after any sequence of
them, the very board a phone joining now gets whole; a join or a rename costs the others nothing or a
few bytes; a phone that missed a version asks again; held notices are not re-sent in every patch."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retro.actors import Facilitator
from retro.commands import ChangePhase, HoldItem, RenameTopic
from retro.hold_reasons import PRESET_MARK
from retro.phases import Phase
from retro.screening import HeldNotice, unseal
from retro.secrets import owner_hash
from retro.session import Session
from server import hub as fan_out
from server.app import RetroServer, ServerConfig
from server.board_document import document
from tests.support.client import Client, Clients
from tests.support.doors import LogWatch
from tests.support.fuzzing import FUZZ, answered_one_by_one, mutated, with_new_id
from tests.support.patching import PatchingPhone
from tests.support.retro_script import retro_steps


async def test_a_phone_kept_in_through_a_whole_retro_holds_the_board_a_new_phone_gets(
    server: RetroServer, clients: Clients
) -> None:
    kept = await PatchingPhone.join(server.websocket_url)
    writer = await clients.join()
    for name, step in retro_steps(server, writer):
        await step()
        fresh = await PatchingPhone.join(
            server.websocket_url, secret=kept.client.secret
        )  # in, even when locked
        await kept.until_version(fresh.version)
        assert kept.doc == fresh.doc, f"after {name!r}"
        assert kept.version == fresh.version
        await fresh.close()
    assert kept.gaps == 0
    assert kept.board()["phase"] == "close" and kept.board()["roti"] is not None
    patches = kept.frames("patch")
    assert len(patches) >= 20, "the changes came as patches, not whole boards"
    await kept.close()


async def test_a_rename_reaches_the_others_as_a_patch_of_that_title_alone(server: RetroServer) -> None:
    writer = await Client.join(server.websocket_url)
    for n in range(20):
        await writer.add_item(f"Item number {n} with some words to make it as long as a real one")
    server.session.execute(Facilitator(), ChangePhase(to=Phase.GROUP))
    phone = await PatchingPhone.join(server.websocket_url)
    topic_id = server.session.state.ordered_topics()[7].topic_id
    server.session.execute(Facilitator(), RenameTopic(topic_id=topic_id, title="Renamed"))
    await phone.board_until(lambda board: "Renamed" in [t["title"] for t in board["topics"]])
    [raw] = phone.frames("patch")
    patch = json.loads(raw)["patch"]
    assert patch == {"board": {"topics": {"by_id": {topic_id: {"title": "Renamed", "grouped": True}}}}}
    whole = phone.frames("board")[0]
    assert len(raw) * 20 < len(whole), (len(raw), len(whole))
    await writer.close()
    await phone.close()


async def test_a_join_sends_the_whole_board_to_the_joining_phone_alone(
    server: RetroServer, clients: Clients
) -> None:
    facilitator = await clients.facilitator()
    inside = [await PatchingPhone.join(server.websocket_url) for _ in range(3)]
    await facilitator.wait_for("facilitator", lambda m: m["phones"] == 3)
    for phone in inside:
        await phone.drain()
    newcomer = await PatchingPhone.join(server.websocket_url)
    await facilitator.wait_for("facilitator", lambda m: m["phones"] == 4)
    await newcomer.close()
    await facilitator.wait_for("facilitator", lambda m: m["phones"] == 3)
    for phone in inside:
        assert await phone.drain() == [], "a join or a leave tells the phones already in nothing"
        assert len(phone.frames("board")) == 1 and phone.frames("patch") == []
    assert newcomer.version == inside[0].version and newcomer.doc == inside[0].doc


async def test_a_lone_change_goes_out_at_once_and_a_burst_coalesces(
    server: RetroServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fan_out, "FLUSH_SECONDS", 30.0)  # far longer than any wait below
    phone = await PatchingPhone.join(server.websocket_url)
    writing = await PatchingPhone.join(server.websocket_url)  # a join that makes the hub send nothing
    writer = Client(writing.client.websocket, writing.client.secret)
    await writer.add_item("A lone item")
    await phone.board_until(lambda board: board["counts"]["learning"] == 1)
    await writer.add_item("A second, while the first is still going out")
    await writer.add_item("And a third")
    assert len(phone.frames("patch")) == 1
    assert await phone.drain() == [], "the next two wait for the end of the window, together"
    await writer.close()
    await phone.close()


async def test_a_phone_that_asks_again_gets_the_whole_board_at_the_current_version(
    server: RetroServer, clients: Clients
) -> None:
    phone = await PatchingPhone.join(server.websocket_url)
    writer = await clients.join()
    await writer.add_item("Something to move the version on")
    await phone.board_until(lambda board: board["counts"]["learning"] == 1)
    version, doc = phone.version, phone.doc
    message_id = Client.new_id()
    await phone.client.send({"type": "resync", "id": message_id})
    board = await phone.client.wait_for("board")
    assert (board["version"], document(board)) == (version, doc)
    assert (await phone.client.reply(message_id)) == {
        "type": "ack", "id": message_id, "duplicate": False, "item_id": None,
    }  # fmt: skip
    facilitator = await clients.facilitator()
    await facilitator.send({"type": "resync", "id": message_id})
    refused = await facilitator.reply(message_id)
    assert (refused["type"], refused["code"]) == ("error", "invalid")
    await phone.close()


async def test_a_phone_that_says_nothing_of_patches_still_gets_the_whole_board_each_time(
    clients: Clients,
) -> None:
    old = await clients.join()
    board = await old.wait_for("board")
    assert "version" not in board
    await old.add_item("Still whole boards")
    changed = await old.wait_for("board", lambda m: m["board"]["counts"]["learning"] == 1)
    assert "version" not in changed and not [m for m in old.messages() if m["type"] == "patch"]


@asynccontextmanager
async def serving(session: Session, reseal_seconds: float) -> AsyncIterator[RetroServer]:
    running = RetroServer(session, ServerConfig(host="127.0.0.1", port=0, reseal_seconds=reseal_seconds))
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


async def test_a_hold_changes_nothing_any_phone_receives_until_the_notices_are_sealed_again(
    session: Session,
) -> None:
    async with serving(session, reseal_seconds=3600) as server:
        writer = await Client.join(server.websocket_url)
        other = await PatchingPhone.join(server.websocket_url)
        ids = [await writer.add_item(f"Item {n} that names Sam") for n in range(3)]
        await other.board_until(lambda board: board["counts"]["learning"] == 3)
        nonce, frames = other.doc["notice_nonce"], len(other.client.received)
        assert len(other.doc["held_notices"]) == 8
        server.session.execute(Facilitator(), HoldItem(item_id=ids[1], reason="Names or points at a person"))
        await writer.add_item("One more after the hold")
        await other.board_until(lambda board: board["counts"]["learning"] == 4)
        after_hold = [json.loads(raw) for raw in other.client.received[frames:]]
        assert [m["type"] for m in after_hold] == ["patch"], "the hold itself sent nothing"
        assert "held_notices" not in after_hold[0]["patch"] and other.doc["notice_nonce"] == nonce
        for phone in (writer, other.client):
            await phone.close()


async def test_held_notices_are_sealed_again_on_a_clock_held_or_not_and_only_the_author_opens_its_own(
    session: Session,
) -> None:
    async with serving(session, reseal_seconds=0.3) as server:
        writer = await Client.join(server.websocket_url)
        author, other = [await PatchingPhone.join(server.websocket_url) for _ in range(2)]
        ids = [await writer.add_item(f"Item {n} that names Sam") for n in range(3)]
        await other.board_until(lambda board: board["counts"]["learning"] == 3)
        first_nonce = other.doc["notice_nonce"]
        await other.board_until(lambda board: other.doc["notice_nonce"] != first_nonce)
        assert not server.session.state.held, "sealed again with nothing held"

        server.session.execute(Facilitator(), HoldItem(item_id=ids[1], reason="Names or points at a person"))
        mine = owner_hash(writer.item_secrets[ids[1]])

        def opened(phone: PatchingPhone) -> list[str]:
            nonce = phone.doc["notice_nonce"]
            notices = [HeldNotice.model_validate(notice) for notice in phone.doc["held_notices"]]
            return [reason for notice in notices if (reason := unseal(notice, mine, nonce))]

        await other.board_until(lambda board: opened(other) == [PRESET_MARK + "names_a_person"])
        await author.until_version(other.version)
        assert author.doc == other.doc, "every phone gets the same notices"
        notices = [HeldNotice.model_validate(notice) for notice in other.doc["held_notices"]]
        assert len(notices) == 8
        for item_id in (ids[0], ids[2]):
            theirs = owner_hash(writer.item_secrets[item_id])
            assert not [n for n in notices if unseal(n, theirs, other.doc["notice_nonce"])]
        assert [raw for raw in other.client.received if "points at a person" in raw] == []
        for phone in (writer, author.client, other.client):
            await phone.close()


@FUZZ
@given(data=st.data())
async def test_a_bent_resync_gets_one_documented_answer_and_changes_nothing(
    server: RetroServer, logs: LogWatch, data: st.DataObject
) -> None:
    before = server.session.state
    resync = {"type": "resync", "id": "resync-0001"}
    sent: list[str | bytes] = [
        mutated(data, with_new_id(data, resync)) for _ in range(data.draw(st.integers(1, 4)))
    ]
    await answered_one_by_one(server.websocket_url, sent, secret="the-fuzzing-phone-secret-01")
    assert server.session.state == before
    logs.assert_quiet()
