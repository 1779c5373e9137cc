"""A whole retro scripted for six phones and a facilitator: what each writes, votes and answers, and one step
per phase that asserts what every client then receives."""

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from retro.events import ReviewItem
from tests.support.boards import seconds_between
from tests.support.client import Client, Message, Predicate, board_in, new_secret

TEAM = "Ward 7"
SEED = ReviewItem(
    ref="a1b2c3d4e5f60718/0f1e2d3c4b5a6978",
    text="Write the on-call runbook",
    owner="Priya",
    due=date(2026, 11, 20),
    from_title="Sprint 41",
    from_date=date(2026, 11, 13),
)

MOTIVATION = [3, 5, 6, 7, 8, 9]
"""Each phone's final motivation answer; phone 0 first answers 1, then changes its mind."""
MOTIVATION_MEAN = 6.3  # 38 / 6
SUPPORTED = [4, 5]
"""Only two phones answer the second question: its summary must stay hidden."""

WRITING: list[list[tuple[str, str]]] = [
    [("hard", "Deploys on Friday hurt"), ("learning", "Pairing on the pager helped")],
    [("hard", "Friday releases broke the weekend")],
    [("help", "A runbook for the pager"), ("learning", "Asking early saves hours")],
    [("learning", "Tests caught the outage")],
    [("help", "More pairing time")],
    [("hard", "On-call felt lonely"), ("help", "Rotate on-call weekly")],
]
WITHDRAWN = "Withdrawn before anyone saw it"
MERGED = ("Deploys on Friday hurt", "Friday releases broke the weekend")
MERGED_TITLE = "Friday deploys"

DOTS: list[list[str]] = [
    [MERGED_TITLE, MERGED_TITLE, "A runbook for the pager"],
    [MERGED_TITLE, MERGED_TITLE, "Rotate on-call weekly"],
    ["A runbook for the pager", "A runbook for the pager", MERGED_TITLE],
    [MERGED_TITLE, "A runbook for the pager", "On-call felt lonely"],
    [MERGED_TITLE, "A runbook for the pager", "Rotate on-call weekly"],
    ["Rotate on-call weekly", "On-call felt lonely", "Tests caught the outage"],
]
TOTALS = [
    (MERGED_TITLE, 7),
    ("A runbook for the pager", 5),
    ("Rotate on-call weekly", 3),
    ("On-call felt lonely", 2),
    ("Tests caught the outage", 1),
]
UNVOTED = {"Pairing on the pager helped", "Asking early saves hours", "More pairing time"}

ROTI = [4, 5, 3, 4]
"""From four of the six phones."""

ACTIONS = [
    ("Move deploys to Tuesday", "Sam", "2026-12-04", MERGED_TITLE),
    ("Write the pager runbook", "Priya", "2026-12-11", "A runbook for the pager"),
]


@dataclass
class Room:
    facilitator: Client
    phones: list[Client]
    item_ids: dict[str, str] = field(default_factory=dict)
    """Item text to the id its phone got back in the ack."""
    item_secrets: list[str] = field(default_factory=list)
    topic_ids: dict[str, str] = field(default_factory=dict)
    """Topic title to id, as the board shows them."""

    @property
    def everyone(self) -> list[Client]:
        return [self.facilitator, *self.phones]

    async def all_see(self, pred: Predicate) -> list[Message]:
        """The board each client (the facilitator first) receives next that satisfies pred."""
        return list(await asyncio.gather(*(client.board_until(pred) for client in self.everyone)))

    async def drain(self) -> None:
        await asyncio.gather(*(client.drain() for client in self.everyone))

    async def move(self, to: str) -> list[Message]:
        await self.facilitator.move(to)
        return await self.all_see(lambda board: board["phase"] == to)


def question(board: Message, question_id: str) -> Message:
    found: Message = next(s for s in board["check_in"] if s["question_id"] == question_id)
    return found


def privates(client: Client) -> list[Message]:
    return [m["private"] for m in client.messages() if m["type"] == "private"]


def file_bytes(db_path: Path) -> bytes:
    """The database and its write-ahead log as they are on disk."""
    return b"".join(
        path.read_bytes() for path in (db_path, db_path.with_name(db_path.name + "-wal")) if path.exists()
    )


async def review_and_check_in(room: Room) -> None:
    first = await room.all_see(lambda board: board["phase"] == "review")
    for board in first:
        assert [(r["ref"], r["text"], r["owner"], r["due"], r["outcome"]) for r in board["review"]] == [
            (SEED.ref, "Write the on-call runbook", "Priya", "2026-11-20", None)
        ]
        assert board["review"][0]["from_title"] == "Sprint 41"
    await room.facilitator.command("review_action", ref=SEED.ref, outcome="done")
    await room.all_see(lambda board: board["review"][0]["outcome"] == "done")

    await room.move("check_in")
    await room.phones[0].command("answer_check_in", question_id="motivation", value=1)
    for phone, value in zip(room.phones, MOTIVATION, strict=True):
        await phone.command("answer_check_in", question_id="motivation", value=value)
    for phone, value in zip(room.phones, SUPPORTED, strict=False):
        await phone.command("answer_check_in", question_id="supported", value=value)
    boards = await room.all_see(
        lambda board: (
            question(board, "motivation")["answered"] == 6 and question(board, "supported")["answered"] == 2
        )
    )
    for board in boards:
        motivation = question(board, "motivation")
        assert motivation["shown"] is True
        assert motivation["mean"] == MOTIVATION_MEAN
        assert motivation["histogram"] == [0, 0, 1, 0, 1, 1, 1, 1, 1, 0]
        supported = question(board, "supported")
        assert (supported["shown"], supported["histogram"], supported["mean"]) == (False, None, None)
    await room.drain()
    for client in room.everyone:
        for board in client.boards():
            for answers in board["check_in"]:
                if answers["answered"] < 3:
                    assert (answers["histogram"], answers["mean"]) == (None, None), answers
    for n, phone in enumerate(room.phones):
        expected = {"motivation": MOTIVATION[n]} | ({"supported": SUPPORTED[n]} if n < len(SUPPORTED) else {})
        assert privates(phone)[-1]["my_check_in"] == expected


async def write(room: Room) -> None:
    await room.move("write")
    latest = [m for m in room.facilitator.messages() if m["type"] == "facilitator"][-1]
    assert (latest["phones"], latest["phones_written"]) == (6, 0)
    for phone, items in zip(room.phones, WRITING, strict=True):
        for prompt_id, text in items:
            item_secret = new_secret()
            room.item_secrets.append(item_secret)
            room.item_ids[text] = await phone.add_item(text, prompt_id, item_secret)
    withdrawn_secret = new_secret()
    room.item_secrets.append(withdrawn_secret)
    withdrawn = await room.phones[3].add_item(WITHDRAWN, "hard", withdrawn_secret)
    await room.phones[3].command("withdraw_item", item_id=withdrawn, item_secret=withdrawn_secret)

    boards = await room.all_see(lambda board: sum(board["counts"].values()) == 9)
    for board in boards:
        assert board["counts"] == {"hard": 3, "learning": 3, "help": 3}
        assert (board["revealed"], board["topics"]) == (False, [])
    await room.drain()
    presence = [(m["phones"], m["phones_written"]) for m in room.facilitator.messages() if "phones" in m]
    assert all(written <= phones <= 6 for phones, written in presence)
    assert presence[-1] == (6, 6)
    assert room.facilitator.messages()[-1]["view"]["total_items"] == 9


async def reveal_and_group(room: Room) -> None:
    boards = await room.move("group")
    for board in boards:
        assert board["revealed"] is True
        assert {topic["topic_id"] for topic in board["topics"]} == set(room.item_ids.values())
        assert all(len(topic["items"]) == 1 and not topic["grouped"] for topic in board["topics"])
        assert all(topic["votes"] is None for topic in board["topics"])
    for client in room.phones:
        for text in room.item_ids:
            first_sight = next(json.loads(raw) for raw in client.received if text in raw)
            seen_on = board_in(first_sight)
            assert seen_on is not None and (seen_on["phase"], seen_on["revealed"]) == ("group", True), text
    for text in room.item_ids:
        before_reveal = [json.loads(raw) for raw in room.facilitator.received if text in raw]
        screened = [m["view"]["screening"] for m in before_reveal if not m["view"]["board"]["revealed"]]
        assert all(
            set(entry) == {"item_id", "prompt_id", "text", "held_reason"} for s in screened for entry in s
        ), "screening shows the facilitator text with no link to anyone"

    merged = [room.item_ids[text] for text in MERGED]
    await room.facilitator.command("merge_topics", topic_ids=merged, title=MERGED_TITLE)
    boards = await room.all_see(lambda board: len(board["topics"]) == 8)
    for board in boards:
        [grouped] = [topic for topic in board["topics"] if topic["grouped"]]
        assert grouped["title"] == MERGED_TITLE
        assert [(item["item_id"], item["text"]) for item in grouped["items"]] == list(
            zip(merged, MERGED, strict=True)
        )
        assert board["topics"] == boards[0]["topics"], "every phone sees the same order"
    room.topic_ids = {topic["title"]: topic["topic_id"] for topic in boards[0]["topics"]}
    assert len(room.topic_ids) == 8


async def vote(room: Room) -> None:
    await room.move("vote")
    for phone, dots in zip(room.phones, DOTS, strict=True):
        for title in dots:
            await phone.command("cast_vote", topic_id=room.topic_ids[title])
    await room.phones[5].refused("cast_vote", "no_dots_left", topic_id=room.topic_ids["More pairing time"])
    await room.drain()
    for phone, dots in zip(room.phones, DOTS, strict=True):
        mine: dict[str, int] = {}
        for title in dots:
            mine[room.topic_ids[title]] = mine.get(room.topic_ids[title], 0) + 1
        latest = privates(phone)[-1]
        assert (latest["dots_left"], latest["my_votes"], latest["my_roti"]) == (0, mine, None)
    voting = [board for client in room.everyone for board in client.boards() if board["phase"] == "vote"]
    assert len(voting) >= len(room.everyone)
    assert all(topic["votes"] is None for board in voting for topic in board["topics"])


async def discuss(room: Room) -> None:
    boards = await room.move("discuss")
    expected = [*TOTALS, *((title, 0) for title in sorted(UNVOTED))]
    for board in boards:
        assert board["voting_closed"] is True
        shown = [(topic["title"], topic["votes"]) for topic in board["topics"]]
        assert [votes for _, votes in shown] == sorted((votes for _, votes in shown), reverse=True)
        assert shown[: len(TOTALS)] == TOTALS
        assert sorted(shown[len(TOTALS) :]) == sorted(expected[len(TOTALS) :])
        assert len(board["topics"][0]["items"]) == 2

    top = boards[0]["topics"][0]["topic_id"]
    assert top == room.topic_ids[MERGED_TITLE]
    await room.facilitator.command("start_discussion", topic_id=top)
    phone_sees = await room.phones[0].wait_for("board", lambda m: m["board"]["discussion"] is not None)
    started = phone_sees["board"]["discussion"]
    assert started["topic_id"] == top
    assert 298 <= seconds_between(phone_sees["server_time"], started["ends_at"]) <= 300
    await room.facilitator.command("extend_timer")
    await room.facilitator.command("add_note", topic_id=top, text="Nobody wants to deploy on a Friday")
    boards = await room.all_see(lambda board: len(board["notes"]) == 1)
    for board in boards:
        assert board["discussion"]["topic_id"] == top
        assert seconds_between(started["ends_at"], board["discussion"]["ends_at"]) == 120
        assert board["discussed"] == [top]
        assert [(n["topic_id"], n["text"]) for n in board["notes"]] == [
            (top, "Nobody wants to deploy on a Friday")
        ]


async def record_actions(room: Room) -> None:
    await room.move("actions")
    for text, owner, due, topic in ACTIONS:
        await room.facilitator.command(
            "record_action", text=text, owner=owner, due=due, topic_id=room.topic_ids[topic]
        )
    boards = await room.all_see(lambda board: len(board["actions"]) == 2)
    for board in boards:
        assert [(a["text"], a["owner"], a["due"], a["topic_title"]) for a in board["actions"]] == ACTIONS
        assert board["discussion"] is None


async def close(room: Room) -> None:
    boards = await room.move("close")
    assert all(len(board["closing_questions"]) == 3 for board in boards)
    for phone, value in zip(room.phones, ROTI, strict=False):
        await phone.command("answer_roti", value=value)
    boards = await room.all_see(lambda board: (board["roti"] or {}).get("answered") == len(ROTI))
    for board in boards:
        assert (board["roti"]["shown"], board["roti"]["mean"]) == (True, 4.0)
        assert board["roti"]["histogram"] == [0, 0, 1, 2, 1]
    await room.drain()
    for client in room.everyone:
        for board in client.boards():
            if board["roti"] is not None and board["roti"]["answered"] < 3:
                assert (board["roti"]["histogram"], board["roti"]["mean"]) == (None, None)
    for phone, value in zip(room.phones, ROTI, strict=False):
        assert privates(phone)[-1]["my_roti"] == value
