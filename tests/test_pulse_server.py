"""Phones answer a pulse through a real server on a loopback port: one answer per phone, nothing but the
questions before the close, results behind the threshold after it, and one documented reply per frame."""

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from hypothesis import given

from retro.pulse.lifecycle import close_pulse, open_pulse
from retro.pulse.models import PulseRecord
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.client import Client
from tests.support.doors import LogWatch, assert_valid_reply
from tests.support.fuzzing import FUZZ, json_values

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


@pytest.fixture
async def pulse(store: SqliteStore) -> AsyncIterator[tuple[RetroServer, PulseRecord]]:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    yield server, record
    await server.stop()


def answers_for(record: PulseRecord, value: int, comment: str | None = None) -> list[dict[str, object]]:
    given: list[dict[str, object]] = [
        {"question_id": q.id, "value": min(value, q.high)} for q in record.questions
    ]
    if comment:
        given.append({"question_id": "help", "text": comment})
    return given


async def answered(phone: Client, given: list[dict[str, object]]) -> dict[str, object]:
    message_id = Client.new_id()
    await phone.send({"type": "pulse_answer", "id": message_id, "answers": given})
    return await phone.reply(message_id)


async def test_twelve_phones_answer_and_see_results_only_after_the_close(
    pulse: tuple[RetroServer, PulseRecord], store: SqliteStore
) -> None:
    server, record = pulse
    url = server.address.websocket_url(record.join_token)
    phones = [await Client.join(url) for _ in range(12)]
    for number, phone in enumerate(phones):
        view = await phone.wait_for("pulse")
        assert view["pulse"]["closed"] is False and view["pulse"]["results"] is None
        assert [q["id"] for q in view["pulse"]["questions"]][0] == "motivation"
        assert (await phone.wait_for("pulse_mine"))["answers"] == []
        reply = await answered(phone, answers_for(record, 3 + number % 3, comment=f"Idea {number}"))
        assert reply["type"] == "ack"
    again = await answered(phones[0], answers_for(record, 9))
    assert again["type"] == "ack"
    assert store.pulses.answer_count(record.pulse_id) == 12, "answering again replaces"
    refused = await answered(phones[1], [{"question_id": "motivation", "value": 11}])
    assert (refused["code"], refused["message"]) == ("invalid", "motivation: give a number from 1 to 10.")
    before = [json.loads(raw) for phone in phones for raw in phone.received]
    assert not any("answered" in json.dumps(m.get("pulse", {})) for m in before), "no count before the close"

    close_pulse(store.pulses, record.pulse_id)
    server.doors.pulses.notice_closing()
    shown = await phones[5].wait_for("pulse", lambda m: m["pulse"]["closed"])
    results = shown["pulse"]["results"]
    assert results["answered"] == 12
    assert all(summary["shown"] for summary in results["summaries"])
    expected = sorted(f"Idea {n}" for n in range(1, 12))  # the first phone answered again, with no comment
    assert sorted(c["text"] for c in results["comments"]) == expected
    late = await answered(phones[2], answers_for(record, 4))
    assert (late["code"], late["message"]) == ("closed", "This pulse has closed; thank you all the same.")
    for phone in phones:
        await phone.close()


async def test_a_phone_coming_back_sees_its_own_answers_and_a_retro_command_is_refused(
    pulse: tuple[RetroServer, PulseRecord],
) -> None:
    server, record = pulse
    url = server.address.websocket_url(record.join_token)
    phone = await Client.join(url, secret="the-same-phone-secret-01")
    assert (await answered(phone, answers_for(record, 4)))["type"] == "ack"
    await phone.close()
    back = await Client.join(url, secret="the-same-phone-secret-01")
    mine = await back.wait_for("pulse_mine")
    assert {a["question_id"]: a["value"] for a in mine["answers"]}["motivation"] == 4
    refused = await back.refused("add_item", "invalid", prompt_id="learning", text="x", owner_hash="0" * 64)
    assert refused["message"] == "A pulse takes answers, not retro commands."
    await back.close()


@FUZZ
@given(answers=json_values)
async def test_any_pulse_answer_gets_one_documented_reply(
    pulse: tuple[RetroServer, PulseRecord], logs: LogWatch, answers: object
) -> None:
    server, record = pulse
    phone = await Client.join(server.address.websocket_url(record.join_token))
    message_id = Client.new_id()
    await phone.send({"type": "pulse_answer", "id": message_id, "answers": answers})
    reply = await phone.reply(message_id)
    for raw in phone.received:
        assert_valid_reply(raw)
    assert reply["type"] in {"ack", "error"}
    await phone.close()
    logs.assert_quiet()
