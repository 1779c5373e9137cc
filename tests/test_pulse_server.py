"""Phones answer a pulse through a real server on a loopback port: one answer per phone, nothing but the
questions before the close, results behind the threshold after it, and one documented reply per frame."""

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retro.credentials import add_team, issue_operator_token
from retro.pulse.lifecycle import answer, close_pulse, open_pulse
from retro.pulse.models import PulseAnswer, PulseRecord
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.client import Client
from tests.support.doors import LogWatch, assert_valid_reply
from tests.support.facilitator import TokenClient
from tests.support.fuzzing import FUZZ, json_values
from tests.support.pulse_phone import aggregate_keys, answered, answers_for
from tests.support.waiting import http_status

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def pulse(store: SqliteStore) -> AsyncIterator[tuple[RetroServer, PulseRecord]]:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    yield server, record
    await server.stop()


async def test_twelve_phones_answer_and_see_results_only_after_the_close(
    pulse: tuple[RetroServer, PulseRecord], store: SqliteStore
) -> None:
    server, record = pulse
    last = record.questions[-1].id
    url = server.address.websocket_url(record.join_token)
    phones = [await Client.join(url) for _ in range(12)]
    for number, phone in enumerate(phones):
        view = await phone.wait_for("pulse")
        assert view["pulse"]["closed"] is False and view["pulse"]["results"] is None
        assert [q["id"] for q in view["pulse"]["questions"]][0] == "motivation"
        assert (await phone.wait_for("pulse_mine"))["answers"] == []
        skip = frozenset() if number < 4 else frozenset({last})  # only four answer the last question
        given = answers_for(record, 1 + number % 5, comment=f"Idea {number:02}", skip=skip)
        assert (await answered(phone, given))["type"] == "ack"
    assert (await answered(phones[0], answers_for(record, 9)))["type"] == "ack", "answering again replaces"
    assert store.pulses.answer_count(record.pulse_id) == 12
    for phone in phones:
        assert [aggregate_keys(raw) for raw in phone.received if aggregate_keys(raw)] == [], "nothing before"

    close_pulse(store.pulses, record.pulse_id)
    server.doors.pulses.notice_closing()
    for phone in phones:
        shown = (await phone.wait_for("pulse", lambda m: m["pulse"]["closed"]))["pulse"]["results"]
        assert shown["answered"] == 12
        by_question = {s["question_id"]: s for s in shown["summaries"]}
        assert by_question["motivation"]["shown"] is True
        assert by_question["motivation"]["histogram"] == [2, 3, 2, 2, 2, 0, 0, 0, 1, 0]
        assert (by_question[last]["answered"], by_question[last]["shown"]) == (4, False)
        assert (by_question[last]["histogram"], by_question[last]["mean"]) == (None, None), "under threshold"
        comments = [c["text"] for c in shown["comments"]]
        assert sorted(comments) == [f"Idea {n:02}" for n in range(1, 12)], "the first phone took its back"
        assert comments != sorted(comments), "shuffled, not in the order they came"
    late = await answered(phones[2], answers_for(record, 4))
    assert (late["code"], late["message"]) == ("closed", "This pulse has closed; thank you all the same.")
    for phone in phones:
        await phone.close()


async def test_comments_from_too_few_phones_stay_unshown_and_only_counted(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, min_responses=3)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        phones = [await Client.join(server.address.websocket_url(record.join_token)) for _ in range(4)]
        for number, phone in enumerate(phones):
            words = "Less paperwork" if number < 2 else None
            assert (await answered(phone, answers_for(record, 3, comment=words)))["type"] == "ack"
        close_pulse(store.pulses, record.pulse_id)
        server.doors.pulses.notice_closing()
        results = (await phones[3].wait_for("pulse", lambda m: m["pulse"]["closed"]))["pulse"]["results"]
        assert (results["comments"], results["comments_written"]) == (None, 2)
        assert all(summary["shown"] for summary in results["summaries"]), "four answers pass a threshold of 3"
        assert "Less paperwork" not in "".join(phones[3].received)
    finally:
        await server.stop()


async def test_a_pulse_past_its_time_is_closed_by_the_server_and_the_phones_get_the_results(
    store: SqliteStore,
) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, closes_at=MONDAY + timedelta(hours=8))
    for _ in range(5):
        answer(
            store.pulses, record, secrets.token_urlsafe(24), [PulseAnswer(question_id="motivation", value=6)]
        )
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        phone = await Client.join(server.address.websocket_url(record.join_token))
        closed = await phone.wait_for("pulse", lambda m: m["pulse"]["closed"], timeout=15.0)
        motivation = closed["pulse"]["results"]["summaries"][0]
        assert (motivation["question_id"], motivation["mean"], motivation["answered"]) == (
            "motivation",
            6.0,
            5,
        )
        stored = store.pulses.pulse(record.pulse_id)
        assert stored is not None and stored.closed and stored.pulse_key is None
    finally:
        await server.stop()


BAD_ANSWERS: list[tuple[object, str, str]] = [
    ([{"question_id": "motivation", "value": 11}], "invalid", "motivation: give a number from 1 to 10."),
    ([{"question_id": "motivation", "value": 0}], "invalid", "motivation: give a number from 1 to 10."),
    ([{"question_id": "motivation", "text": "great"}], "invalid", "motivation: give a number from 1 to 10."),
    ([{"question_id": "help", "value": 3}], "invalid", "help: answer in words."),
    ([{"question_id": "pay", "value": 3}], "not_found", "pay: this pulse does not ask that."),
    (
        [{"question_id": "motivation", "value": 3}, {"question_id": "motivation", "value": 4}],
        "invalid",
        "motivation: answered twice in one go.",
    ),
]


async def test_bad_answers_get_documented_errors_keep_nothing_and_the_phone_carries_on(
    pulse: tuple[RetroServer, PulseRecord], store: SqliteStore, logs: LogWatch
) -> None:
    server, record = pulse
    phone = await Client.join(server.address.websocket_url(record.join_token))
    for bad, code, sentence in BAD_ANSWERS:
        reply = await answered(phone, bad)
        assert (reply["code"], reply["message"]) == (code, sentence), bad
    for bad in ([], [{"question_id": "help", "text": "x" * 501}], [{"question_id": "motivation"}], "7"):
        reply = await answered(phone, bad)
        assert reply["type"] == "error" and reply["code"] == "invalid", bad
    assert store.pulses.answer_count(record.pulse_id) == 0
    assert (await answered(phone, answers_for(record, 2)))["type"] == "ack"
    for raw in phone.received:
        assert_valid_reply(raw)
    await phone.close()
    logs.assert_quiet()


async def test_a_phone_coming_back_sees_its_own_answers_and_may_not_act_on_a_retro(
    pulse: tuple[RetroServer, PulseRecord],
) -> None:
    server, record = pulse
    assert await asyncio.to_thread(http_status, server.address.join_url(record.join_token)) == 200
    url = server.address.websocket_url(record.join_token)
    phone = await Client.join(url, secret="the-same-phone-secret-01")
    assert (await answered(phone, answers_for(record, 4, comment="More handover time")))["type"] == "ack"
    await phone.close()
    back = await Client.join(url, secret="the-same-phone-secret-01")
    mine = {
        a["question_id"]: a.get("value") or a.get("text")
        for a in (await back.wait_for("pulse_mine"))["answers"]
    }
    assert (mine["motivation"], mine["help"]) == (4, "More handover time")
    other = await Client.join(url)
    assert (await other.wait_for("pulse_mine"))["answers"] == [], "a phone sees only its own answers"
    refused = await back.refused("add_item", "invalid", prompt_id="learning", text="x", owner_hash="0" * 64)
    assert refused["message"] == "A pulse takes answers, not retro commands."
    ask_id = Client.new_id()
    await back.send({"type": "request", "id": ask_id, "ask": {"kind": "history"}})
    assert (await back.reply(ask_id))["code"] == "forbidden"
    for client in (back, other):
        await client.close()


ANSWER_IDS = st.sampled_from(["motivation", "help", "breaks", "say", "nope", "", "MOTIVATION", "a" * 70])
ONE_ANSWER = st.fixed_dictionaries(
    {"question_id": ANSWER_IDS},
    optional={
        "value": st.integers(-3, 14) | st.floats() | st.text(max_size=3) | st.none(),
        "text": st.text(max_size=20) | st.just("x" * 600) | st.none(),
        "extra": json_values,
    },
)
FUZZED_ANSWERS = st.lists(ONE_ANSWER, max_size=6) | json_values


@FUZZ
@given(answers=FUZZED_ANSWERS)
async def test_any_pulse_answer_gets_one_documented_reply(
    pulse: tuple[RetroServer, PulseRecord], logs: LogWatch, answers: object
) -> None:
    server, record = pulse
    phone = await Client.join(server.address.websocket_url(record.join_token))
    fuzzed, sentinel = Client.new_id(), Client.new_id()
    await phone.send({"type": "pulse_answer", "id": fuzzed, "answers": answers})
    await phone.send({"type": "hello", "id": sentinel, "protocol": 1, "secret": "s" * 22})
    await phone.reply(sentinel)  # everything the fuzzed frame caused has arrived before this
    replies = [assert_valid_reply(raw) for raw in phone.received]
    assert [r["type"] for r in replies if r.get("id") == fuzzed] in (["ack"], ["error"])
    for raw in phone.received:
        assert_valid_reply(raw)
    await phone.close()
    logs.assert_quiet()


async def test_a_facilitator_opens_a_pulse_sees_only_its_count_and_closes_it_for_every_phone(
    shared_server: RetroServer, store: SqliteStore
) -> None:
    server = shared_server
    ward, pharmacy = add_team(store, "Ward 7"), add_team(store, "Pharmacy")
    facilitator = await TokenClient.hello(server.facilitator_door, ward)
    opened = await facilitator.answered("pulse_open", title="Shift start", min_responses=3, pinned="breaks")
    assert (opened["kind"], opened["team"], opened["title"]) == ("pulse_opened", "Ward 7", "Shift start")
    assert [q["id"] for q in opened["questions"]][:2] == ["motivation", "breaks"]
    assert opened["public_url"] == server.address.base_url and opened["join_path"].startswith("/j/")
    assert (await facilitator.client.wait_for("pulse_count"))["answered"] == 0
    record = store.pulses.pulse(opened["pulse_id"])
    assert record is not None
    url = server.address.websocket_url(opened["join_path"].removeprefix("/j/"))
    phones = [await Client.join(url) for _ in range(4)]
    for number, phone in enumerate(phones, start=1):
        assert (await answered(phone, answers_for(record, number, comment="Rota sooner")))["type"] == "ack"
    counted = await facilitator.client.wait_for("pulse_count", lambda m: m["answered"] == 4)
    assert counted["closed"] is False
    assert (await answered(phones[0], answers_for(record, 5)))["type"] == "ack"
    stranger = await TokenClient.hello(server.facilitator_door, pharmacy)
    assert "No pulse" in await stranger.refused("not_found", "pulse_close", pulse_id=record.pulse_id)
    assert "own team" in await stranger.refused("forbidden", "pulse_trend", team="Ward 7")
    assert (await stranger.answered("pulse_trend"))["points"] == [], "another team's pulses are not its own"
    operator_token = issue_operator_token(store)
    assert operator_token is not None
    operator = await TokenClient.hello(server.facilitator_door, operator_token)
    await operator.refused("forbidden", "pulse_open")
    assert "Rota sooner" not in "".join(facilitator.client.received), "no comment before the close"
    watched = [aggregate_keys(raw) - {"answered"} for raw in facilitator.client.received]
    assert [keys for keys in watched if keys] == [], (
        "the facilitator gets a count, nothing more, before close"
    )

    closed = await facilitator.answered("pulse_close")
    assert (closed["kind"], closed["results"]["answered"]) == ("pulse_closed", 4)
    assert all(summary["shown"] for summary in closed["results"]["summaries"])
    assert [c["text"] for c in closed["results"]["comments"]] == ["Rota sooner"] * 3
    for phone in phones:  # at once: the server does not wait for its timer
        shown = await phone.wait_for("pulse", lambda m: m["pulse"]["closed"], timeout=1.5)
        assert shown["pulse"]["results"] == closed["results"]
    counts = [json.loads(raw) for raw in facilitator.client.received if '"pulse_count"' in raw]
    assert (counts[-1]["answered"], counts[-1]["closed"]) == (4, True)
    assert "no open pulse" in await facilitator.refused("not_found", "pulse_close")
    again = await facilitator.answered("pulse_close", pulse_id=record.pulse_id)
    assert again["results"] == closed["results"], "closing a closed pulse only shows its results"
    trend = await facilitator.answered("pulse_trend")
    assert [(p["week"], p["answered"]) for p in trend["points"]] == [(record.week, 4)]
    assert trend["latest"] == closed["results"]
    for client in (*phones, facilitator.client, stranger.client, operator.client):
        await client.close()


async def answer_to(facilitator: TokenClient, request: dict[str, Any]) -> dict[str, Any]:
    await facilitator.client.send(request)
    return await facilitator.client.receive_matching(lambda m: m.get("id") == request["id"], "its answer")


async def test_pulse_open_refuses_what_cannot_be_asked_and_is_applied_once_per_request_id(
    shared_server: RetroServer, store: SqliteStore, logs: LogWatch
) -> None:
    server = shared_server
    facilitator = await TokenClient.hello(server.facilitator_door, add_team(store, "Ward 7"))
    assert "future" in await facilitator.refused("invalid", "pulse_open", closes_at="2020-01-01T09:00:00Z")
    await facilitator.refused("invalid", "pulse_open", closes_at="2099-01-01T09:00:00")  # no time zone
    await facilitator.refused("invalid", "pulse_open", min_responses=2)
    assert "nope" in await facilitator.refused("not_found", "pulse_open", pinned="nope")
    await facilitator.refused("invalid", "pulse_open", bank=[{"id": "x", "text": "Short", "need": "joy"}])
    request = {"type": "request", "id": "open-pulse-0001", "ask": {"kind": "pulse_open", "free_text": None}}
    first, second = [await answer_to(facilitator, request) for _ in range(2)]  # sent again after a lost line
    assert first["result"]["pulse_id"] == second["result"]["pulse_id"]
    assert first["result"]["free_text"] is None
    assert [p.pulse_id for p in store.pulses.pulses("Ward 7")] == [first["result"]["pulse_id"]]
    local = await TokenClient.hello(server.facilitator_door, server.local_secret)
    assert "Name the team" in await local.refused("invalid", "pulse_open")
    assert (await local.answered("pulse_open", team="Pharmacy"))["team"] == "Pharmacy"
    for client in (facilitator.client, local.client):
        await client.close()
    logs.assert_quiet()


async def test_a_pulse_takes_answers_from_at_most_max_phones_phones(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    config = ServerConfig(host="127.0.0.1", port=0, max_participants=2)
    server = RetroServer(None, config, store)
    await server.start()
    try:
        url = server.address.websocket_url(record.join_token)
        phones = [await Client.join(url) for _ in range(3)]
        for phone in phones[:2]:
            assert (await answered(phone, answers_for(record, 3)))["type"] == "ack"
        turned = await answered(phones[2], answers_for(record, 3))
        assert (turned["code"], turned["message"]) == (
            "limit",
            "This pulse has all the answers it can take; thank you all the same.",
        )
        assert (await answered(phones[0], answers_for(record, 4)))["type"] == "ack", "one in may change"
        assert store.pulses.answer_count(record.pulse_id) == 2
        for phone in phones:
            await phone.close()
    finally:
        await server.stop()


async def test_actions_on_a_closed_pulse_reach_the_phones_of_the_teams_next_pulse(
    shared_server: RetroServer, store: SqliteStore
) -> None:
    server = shared_server
    ward, pharmacy = add_team(store, "Ward 7"), add_team(store, "Pharmacy")
    facilitator = await TokenClient.hello(server.facilitator_door, ward)
    action = {"text": "Cover for breaks on nights", "owner": "Sam", "due": "2026-12-11"}
    assert "no closed pulse" in await facilitator.refused("not_found", "pulse_action", **action)
    first = await facilitator.answered("pulse_open")
    await facilitator.refused("wrong_phase", "pulse_action", pulse_id=first["pulse_id"], **action)
    await facilitator.answered("pulse_close")
    nxt = await facilitator.answered("pulse_open", title="Next week")
    phone = await Client.join(server.address.websocket_url(nxt["join_path"].removeprefix("/j/")))
    assert (await phone.wait_for("pulse"))["pulse"]["actions"] == []
    recorded = await facilitator.answered("pulse_action", responds_to=["motivation"], **action)
    assert (recorded["action"]["pulse_id"], recorded["action"]["status"]) == (first["pulse_id"], "open")
    shown = (await phone.wait_for("pulse"))["pulse"]["actions"]
    assert [(a["text"], a["owner"], a["status"]) for a in shown] == [
        ("Cover for breaks on nights", "Sam", "open")
    ]
    stranger = await TokenClient.hello(server.facilitator_door, pharmacy)
    action_id = recorded["action"]["action_id"]
    await stranger.refused("not_found", "pulse_action_status", action_id=action_id, status="done")
    done = await facilitator.answered("pulse_action_status", action_id=action_id, status="done")
    assert [a["status"] for a in done["current"]] == ["done"]
    assert (await phone.wait_for("pulse"))["pulse"]["actions"][0]["status"] == "done"
    for client in (phone, facilitator.client, stranger.client):
        await client.close()


async def test_the_count_does_not_move_one_answer_at_a_time_and_the_close_tells_it_at_once(
    store: SqliteStore,
) -> None:
    config = ServerConfig(host="127.0.0.1", port=0, pulse_count_seconds=3600)
    server = RetroServer(None, config, store)
    await server.start()
    try:
        token = add_team(store, "Ward 7")
        facilitator = await TokenClient.hello(server.facilitator_door, token)
        opened = await facilitator.answered("pulse_open", min_responses=3)
        assert (await facilitator.client.wait_for("pulse_count"))["answered"] == 0, "told at once on open"
        record = store.pulses.pulse(opened["pulse_id"])
        assert record is not None
        url = server.address.websocket_url(opened["join_path"].removeprefix("/j/"))
        phones = [await Client.join(url) for _ in range(3)]
        for number, phone in enumerate(phones, start=1):
            assert (await answered(phone, answers_for(record, number)))["type"] == "ack"
        await facilitator.answered("pulse_trend")  # everything sent before this answer has arrived
        counts = [json.loads(raw) for raw in facilitator.client.received if '"pulse_count"' in raw]
        assert [count["answered"] for count in counts] == [0], "no count moves inside the window"
        watcher = await TokenClient.hello(server.facilitator_door, token)
        watched = await watcher.answered("pulse_watch", pulse_id=record.pulse_id)
        assert (watched["kind"], watched["pulse_id"]) == ("pulse_opened", record.pulse_id)
        told = await watcher.client.wait_for("pulse_count")
        assert told["answered"] == 3, "a new watcher is told at once"
        await facilitator.answered("pulse_close")  # the last count goes out before the answer
        counts = [json.loads(raw) for raw in facilitator.client.received if '"pulse_count"' in raw]
        assert (counts[-1]["answered"], counts[-1]["closed"]) == (3, True), "told at the close, not later"
        for client in (*phones, facilitator.client, watcher.client):
            await client.close()
    finally:
        await server.stop()


async def test_a_pulse_is_watched_only_by_its_own_team(
    shared_server: RetroServer, store: SqliteStore
) -> None:
    ward = await TokenClient.hello(shared_server.facilitator_door, add_team(store, "Ward 7"))
    opened = await ward.answered("pulse_open")
    pharmacy = await TokenClient.hello(shared_server.facilitator_door, add_team(store, "Pharmacy"))
    assert "No pulse" in await pharmacy.refused("not_found", "pulse_watch", pulse_id=opened["pulse_id"])
    assert "No pulse" in await pharmacy.refused("not_found", "pulse_watch", pulse_id="nothing-here")
    for client in (ward.client, pharmacy.client):
        await client.close()
