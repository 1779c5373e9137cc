"""The anonymity proof of tests/test_anonymity_proof.py on one multi-team `retro serve` process: two teams
run their retros to the end at once, by token, over the protocol. Afterwards no phone secret, pseudonym,
per-retro key, item secret, owner hash or user agent is in the SQLite file or its WAL (while the server runs
and after it stopped), in the server's log, in any message to a facilitator or a phone, or in any export; and
no team token or operator token is there in clear."""

import asyncio
import hashlib
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from retro.outcome import RetroOutcome
from tests.support.anonymity import (
    ADDRESS,
    Needles,
    add_item_needles,
    database_surfaces,
    export_surfaces,
    join_phones,
    message_surfaces,
    scan,
)
from tests.support.client import Client
from tests.support.facilitator import TokenClient
from tests.support.team_server import TeamServer, team_server

TEAMS = ("Ward Seven", "Pharmacy")
pytestmark = pytest.mark.asyncio(loop_scope="module")


@dataclass
class TeamRetro:
    team: str
    token: str
    facilitator: TokenClient
    phones: list[Client]
    before_rewrite: str
    """What a held item said before its author rewrote it: the facilitator saw it, nobody keeps it."""
    rewritten: str
    outcome: RetroOutcome


@dataclass
class Proof:
    surfaces: dict[str, bytes]
    needles: Needles
    retros: list[TeamRetro]
    operator_token: str


def retro_key(db: Path, retro_id: str) -> bytes:
    """The open retro's key, read from the server's database as anyone with the file could read it."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as reader:
        (key,) = reader.execute("SELECT retro_key FROM retros WHERE retro_id = ?", (retro_id,)).fetchone()
    assert isinstance(key, bytes)
    return key


async def run_team_retro(server: TeamServer, token: str, team: str, needles: Needles) -> TeamRetro:
    """tests/test_anonymity_proof.py's retro, driven by the team's facilitator over `/ws/host`."""
    facilitator = await TokenClient.hello(server.door, token)
    retro_id = (await facilitator.open(f"{team} weekly"))["retro_id"]
    key = retro_key(server.db, retro_id)
    needles.add("per-retro key", key)
    assert facilitator.join_path is not None
    phones = await join_phones(server.phone_url(facilitator.join_path), key, needles, count=4)

    await facilitator.move("write")
    for index, phone in enumerate(phones):
        await phone.add_item(f"{team} handover {index}: notes went missing", prompt_id="learning")
        await phone.add_item(f"{team} hard thing {index}: short-staffed nights", prompt_id="hard")
    add_item_needles(needles, phones)
    held_id = next(iter(phones[0].item_secrets))
    await facilitator.client.command("hold_item", item_id=held_id, reason="Off topic")
    rewritten_id, rewritten_secret = next(iter(phones[1].item_secrets.items()))
    await facilitator.client.command("hold_item", item_id=rewritten_id, reason="Names a person")
    rewritten = f"{team}: notes go missing between shifts"
    await phones[1].command(
        "rewrite_item", item_id=rewritten_id, item_secret=rewritten_secret, text=rewritten
    )
    await facilitator.move("check_in")
    for value, phone in zip((6, 7, 8, 9), phones, strict=True):
        await phone.command("answer_check_in", question_id="motivation", value=value)
    topics = [topic["topic_id"] for topic in (await facilitator.move("group"))["topics"]]
    await facilitator.client.command("merge_topics", topic_ids=topics[:2], title="Handover")
    topics = [topic["topic_id"] for topic in (await facilitator.move("vote"))["topics"]]
    for phone in phones:
        await phone.command("cast_vote", topic_id=topics[0])
        await phone.command("cast_vote", topic_id=topics[1])
    top = (await facilitator.move("discuss"))["topics"][0]["topic_id"]
    await facilitator.client.command("start_discussion", topic_id=top)
    await facilitator.client.command("add_note", topic_id=top, text="Try a shared template")
    await facilitator.client.command(
        "record_action", text="Draft a template", owner="Priya", due="2026-12-04"
    )
    await facilitator.move("close")
    for phone in phones[:3]:
        await phone.command("answer_roti", value=4)
    await facilitator.move("ended")
    for phone in phones:
        await phone.board_until(lambda board: board["phase"] == "ended")
        await phone.close()

    outcome = RetroOutcome.model_validate((await facilitator.answered("outcome"))["outcome"])
    before_rewrite = f"{team} handover 1: notes went missing"
    return TeamRetro(team, token, facilitator, phones, before_rewrite, rewritten, outcome)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def proof(tmp_path_factory: pytest.TempPathFactory) -> Proof:
    """Both retros run once; every test of this module reads what they left."""
    needles = Needles()
    async with team_server(tmp_path_factory.mktemp("multi_team") / "org.db") as server:
        needles.add("operator token", server.operator_token)
        operator = await TokenClient.hello(server.door, server.operator_token)
        tokens = [await operator.add_team(team) for team in TEAMS]
        for token in tokens:
            needles.add("team token", token)
        retros = list(
            await asyncio.gather(
                *(
                    run_team_retro(server, token, team, needles)
                    for token, team in zip(tokens, TEAMS, strict=True)
                )
            )
        )
        while_running = database_surfaces(server.db)
        for client in (operator, *(retro.facilitator for retro in retros)):
            await client.close()
    surfaces = {
        **while_running,
        **{f"{name} after the server stopped": data for name, data in database_surfaces(server.db).items()},
        "server log": server.log.encode(),
        **message_surfaces("messages to facilitator", [retro.facilitator.client for retro in retros]),
        **message_surfaces("messages to phone", [phone for retro in retros for phone in retro.phones]),
        **{
            f"{retro.team} {name}": data
            for retro in retros
            for name, data in export_surfaces(retro.outcome).items()
        },
    }
    return Proof(surfaces, needles, retros, server.operator_token)


async def test_nothing_that_could_identify_anyone_is_anywhere_on_a_multi_team_server(proof: Proof) -> None:
    assert len(proof.surfaces) == 4 + 1 + 2 + 8 + 2 * 8
    kinds = {what.rsplit(" ", 1)[0] for what in proof.needles.found}
    assert kinds == {
        "operator token",
        "team token",
        "per-retro key",
        "phone secret",
        "pseudonym",
        "user agent",
        "item secret",
        "owner hash",
        "item id next to its writer",
    }
    assert len(proof.needles.found) == 1 + 2 + 2 * (1 + 4 * 2 + 1 + 8 * 3)
    assert scan(proof.surfaces, proof.needles) == []


async def test_the_surfaces_hold_what_they_should_so_the_scan_means_something(proof: Proof) -> None:
    database = b"".join(data for name, data in proof.surfaces.items() if name.startswith("sqlite"))
    log = proof.surfaces["server log"]
    for n, retro in enumerate(proof.retros):
        token_hash = hashlib.sha256(retro.token.encode()).hexdigest().encode()
        assert token_hash in database, "the team's token is kept, as its hash"
        assert retro.rewritten.encode() in database
        assert f"{retro.team} weekly".encode() in proof.surfaces[f"messages to facilitator {n}"]
        assert retro.rewritten.encode() in proof.surfaces[f"{retro.team} export md"]
    for n in range(8):
        assert proof.retros[n // 4].rewritten.encode() in proof.surfaces[f"messages to phone {n}"]
    assert hashlib.sha256(proof.operator_token.encode()).hexdigest().encode() in database
    assert log.count(b"phase_changed") >= 2 * 7 and b"stopped" in log


async def test_no_token_and_no_address_is_in_the_log_or_the_database(proof: Proof) -> None:
    kept = {
        name: data
        for name, data in proof.surfaces.items()
        if name.startswith("sqlite") or name == "server log"
    }
    assert len(kept) == 5
    tokens = [proof.operator_token, *(retro.token for retro in proof.retros)]
    for name, data in kept.items():
        assert [token for token in tokens if token.encode() in data] == [], name
        assert ADDRESS.encode() not in data, name


async def test_what_held_items_said_before_their_rewrite_is_in_no_file_and_no_export(proof: Proof) -> None:
    kept = {name: data for name, data in proof.surfaces.items() if "sqlite" in name or "export" in name}
    assert len(kept) == 4 + 2 * 8
    for retro in proof.retros:
        assert [name for name, data in kept.items() if retro.before_rewrite.encode() in data] == []
