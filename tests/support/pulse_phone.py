"""A phone on a pulse, over the one websocket test client: what it answers, and what it was sent."""

import json
from typing import Any

from retro.pulse.models import PulseRecord
from tests.support.client import Client

Answers = list[dict[str, Any]]

AGGREGATES = frozenset({"answered", "mean", "histogram", "summaries", "comments", "comments_written"})
"""Keys that carry a count or an aggregate of other phones' answers: no phone gets them before the close."""


def answers_for(
    record: PulseRecord, value: int, comment: str | None = None, skip: frozenset[str] = frozenset()
) -> Answers:
    """A value for every scale question not skipped (kept on its scale), and the comment when given."""
    given: Answers = [
        {"question_id": q.id, "value": max(q.low, min(value, q.high))}
        for q in record.questions
        if q.id not in skip
    ]
    if comment is not None and record.free_text is not None:
        given.append({"question_id": record.free_text.id, "text": comment})
    return given


async def answered(phone: Client, given: object) -> dict[str, Any]:
    """Send a `pulse_answer` and return the `ack` or `error` that answers it."""
    message_id = Client.new_id()
    await phone.send({"type": "pulse_answer", "id": message_id, "answers": given})
    return await phone.reply(message_id)


def aggregate_keys(raw: str) -> set[str]:
    """Every key in a frame that would tell a phone something about other phones' answers."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            found.update(key for key, inner in value.items() if key in AGGREGATES and inner is not None)
            for inner in value.values():
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(json.loads(raw))
    return found
