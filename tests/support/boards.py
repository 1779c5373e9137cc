"""Reading what the server sends: predicates to wait on, and the few figures tests compare."""

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from tests.support.client import Message, Predicate

FLOW = ["review", "check_in", "write", "group", "vote", "discuss", "actions", "close"]
NO_SUCH_ID = "0123456789abcdef"


def total(board: Message) -> int:
    return sum(board["board"]["counts"].values())


def phase_is(phase: str) -> Predicate:
    return lambda m: m["board"]["phase"] == phase


def in_phase(phase: str) -> Predicate:
    """For board_until: the shared board itself is in this phase."""
    return lambda board: board["phase"] == phase


def command_json(message_id: str, command: Message) -> str:
    return json.dumps({"type": "command", "id": message_id, "command": command})


def is_reply(message: Message) -> bool:
    return message["type"] in {"ack", "error"}


def dots_left_is(dots: int) -> Predicate:
    return lambda m: m["private"]["dots_left"] == dots


def facilitator_phase_is(phase: str) -> Predicate:
    return lambda m: m["view"]["board"]["phase"] == phase


def presence_is(phones: int, written: int) -> Predicate:
    return lambda m: (m["phones"], m["phones_written"]) == (phones, written)


def topic_votes(board: Message) -> list[tuple[str, int | None]]:
    return [(topic["topic_id"], topic["votes"]) for topic in board["topics"]]


def summary(board: Message, question_id: str) -> Message:
    found: Message = next(s for s in board["check_in"] if s["question_id"] == question_id)
    return found


def roti_answered(count: int) -> Predicate:
    return lambda m: m["board"]["roti"] is not None and m["board"]["roti"]["answered"] == count


def seconds_between(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def walk_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from walk_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from walk_keys(inner)
