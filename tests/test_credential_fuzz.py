"""Property-based fuzzing of `/ws/host`, the door credential holders use, on one real multi-team server.

Team A's token, the operator's token and no token at all send random and bent-valid requests and commands.
Whatever arrives: one documented reply per message, nothing closed with 1011, no traceback, and the
boundaries hold afterwards: team B's retro is untouched, nobody but the operator touched the teams, and the
operator opened no retro.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st
from websockets.asyncio.client import connect

from retro.credentials import add_team, issue_operator_token, list_teams
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.doors import LogWatch
from tests.support.fuzzing import (
    FUZZ,
    TIMEOUT,
    Message,
    answered_one_by_one,
    frames,
    mutated,
    random_frames,
    welcomed_or_turned_away,
)


@dataclass(frozen=True)
class TwoTeams:
    server: RetroServer
    operator: str
    team_a: str
    retro_b: str
    """Team B's open retro, with one item in it: what nobody else may reach."""

    @property
    def door(self) -> str:
        return self.server.facilitator_door


async def _open_retro(door: str, token: str, title: str) -> str:
    async with connect(door) as websocket:
        await websocket.send(json.dumps({"type": "hello", "id": "hello-b-01", "protocol": 1, "token": token}))
        assert json.loads(await websocket.recv())["role"] == "team"
        ask = {"kind": "open", "title": title}
        await websocket.send(json.dumps({"type": "request", "id": "open-b-0001", "ask": ask}))
        opened = json.loads(await websocket.recv())
        retro_id: str = opened["result"]["retro_id"]
        command = {"kind": "change_phase", "to": "write"}
        await websocket.send(json.dumps({"type": "command", "id": "phase-b-0001", "command": command}))
        async with asyncio.timeout(TIMEOUT):
            while json.loads(await websocket.recv())["type"] != "ack":
                pass
    return retro_id


@pytest.fixture
async def teams(store: SqliteStore) -> AsyncIterator[TwoTeams]:
    operator = issue_operator_token(store)
    assert operator is not None
    team_a, team_b = add_team(store, "Ward 7"), add_team(store, "Pharmacy")
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    retro_b = await _open_retro(server.facilitator_door, team_b, "Pharmacy weekly")
    yield TwoTeams(server, operator, team_a, retro_b)
    await server.stop()


def every_request(retro_b: str) -> list[Message]:
    """A valid example of every request, aimed at team B's retro wherever one names a retro."""
    asks: list[Message] = [
        {"kind": "open", "title": "Fuzzed retro"},
        {"kind": "resume"},
        {"kind": "resume", "retro_id": retro_b},
        {"kind": "trend"},
        {"kind": "outcome"},
        {"kind": "outcome", "retro": retro_b},
        {"kind": "outcome", "retro": "latest"},
        {"kind": "history"},
        {"kind": "forget", "retro": retro_b},
        {"kind": "team_add", "name": "Fuzzers"},
        {"kind": "team_list"},
        {"kind": "team_revoke", "name": "Pharmacy"},
    ]
    commands: list[Message] = [
        {"kind": "change_phase", "to": "group"},
        {"kind": "rotate_join_token"},
        {"kind": "record_action", "text": "Do it", "owner": "Sam", "due": "2026-12-04"},
    ]
    return [{"type": "request", "id": f"request-{n:04}", "ask": ask} for n, ask in enumerate(asks)] + [
        {"type": "command", "id": f"command-{n:04}", "command": command} for n, command in enumerate(commands)
    ]


REQUESTS = {"request"}


def _untouched_b(teams: TwoTeams, store: SqliteStore, events_before: int) -> None:
    assert len(store.events(teams.retro_b)) == events_before, "team B's retro is untouched"
    record = store.record(teams.retro_b)
    assert record is not None and not record.closed


@FUZZ
@given(data=st.data())
async def test_a_teams_token_gets_one_answer_to_everything_and_never_reaches_another_team(
    teams: TwoTeams, store: SqliteStore, logs: LogWatch, data: st.DataObject
) -> None:
    before, teams_before = len(store.events(teams.retro_b)), list_teams(store)
    sent = frames(data, every_request(teams.retro_b), most=6, kinds=set())
    await answered_one_by_one(teams.door, sent, token=teams.team_a)

    _untouched_b(teams, store, before)
    assert [(t.name, t.revoked) for t in list_teams(store)] == [(t.name, t.revoked) for t in teams_before]
    assert all(record.team in {"Ward 7", "Pharmacy"} for record in store.retros())
    logs.assert_quiet()


@FUZZ
@given(data=st.data())
async def test_the_operator_gets_one_answer_to_everything_and_reaches_no_retro(
    teams: TwoTeams, store: SqliteStore, logs: LogWatch, data: st.DataObject
) -> None:
    before, retros_before = len(store.events(teams.retro_b)), len(store.retros())
    sent = frames(data, every_request(teams.retro_b), most=6, kinds=set())
    await answered_one_by_one(teams.door, sent, token=teams.operator)

    _untouched_b(teams, store, before)
    assert len(store.retros()) == retros_before, "the operator opened no retro"
    logs.assert_quiet()


@FUZZ
@given(data=st.data())
async def test_any_first_frame_at_the_facilitators_door_gets_a_welcome_or_a_refusal_and_a_close(
    teams: TwoTeams, store: SqliteStore, logs: LogWatch, data: st.DataObject
) -> None:
    hellos: list[Message] = [
        {"type": "hello", "id": "hello-0001", "protocol": 1, "token": teams.team_a},
        {"type": "hello", "id": "hello-0002", "protocol": 1, "token": "rtm_" + "x" * 32},
        {"type": "hello", "id": "hello-0003", "protocol": 1, "secret": "s" * 24},
        *every_request(teams.retro_b)[:3],
    ]
    frame = (
        data.draw(random_frames)
        if data.draw(st.booleans())
        else mutated(data, data.draw(st.sampled_from(hellos)))
    )
    before = len(store.events(teams.retro_b))
    first = await welcomed_or_turned_away(teams.door, frame)
    assert first["type"] == "error" or first["role"] == "team"
    _untouched_b(teams, store, before)
    logs.assert_quiet()
