"""A whole retro over real websockets: six phones and a facilitator from Review to Ended, then the next one.

Everything goes through the real server on a loopback port and a real SQLite file; the assertions are on
what the phones and the facilitator actually receive, and on what the file keeps once the retro has ended.
"""

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from retro.actors import Facilitator, Participant
from retro.builtin_templates import COMPASSIONATE
from retro.commands import AnswerCheckIn, AnswerRoti, ChangePhase
from retro.events import BALLOT_EVENT_TYPES, ReviewItem
from retro.history import history_rows
from retro.launch import open_session
from retro.phases import Phase
from retro.rules import decide
from retro.secrets import owner_hash, pseudonym
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from retro.state import replay
from retro.views import board_view
from server.app import RetroServer, ServerConfig
from tests.support.boards import seconds_between
from tests.support.client import Client, Clients, Message, Predicate, board_in, new_secret

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


async def test_a_whole_retro_from_review_to_ended_and_on_to_the_next(tmp_path: Path) -> None:
    db_path = tmp_path / "retro.db"
    store = SqliteStore(db_path)
    try:
        session = Session.start(store, title="Sprint 42", team=TEAM, review=(SEED,))
        retro_id = session.record.retro_id
        server = RetroServer(session, ServerConfig(host="127.0.0.1", port=0))
        await server.start()
        pool = Clients(server)
        try:
            facilitator = await pool.facilitator()
            room = Room(facilitator, [await pool.join() for _ in range(6)])
            await review_and_check_in(room)
            await write(room)
            await reveal_and_group(room)
            await vote(room)
            await discuss(room)
            await record_actions(room)
            await close(room)

            retro_key = session.record.retro_key
            assert retro_key is not None
            phone_secrets = [phone.secret for phone in room.phones if phone.secret is not None]
            assert len(phone_secrets) == 6
            pseudonyms = [pseudonym(retro_key, secret) for secret in phone_secrets]
            before = file_bytes(db_path)
            assert all(p.encode() in before for p in pseudonyms), "the ballots are on disk until the end"
            assert retro_key in before

            ended = await room.move("ended")
            await room.phones[0].refused("answer_roti", "closed", value=1)
            await room.phones[1].refused(
                "add_item", "closed", prompt_id="hard", text="Late", owner_hash="a" * 64
            )
            await room.drain()
            assert all(board == ended[1] for board in ended)

            on_disk = file_bytes(db_path)
            assert on_disk, "the file is there"
            for secret in [*pseudonyms, *phone_secrets, *room.item_secrets, retro_key.hex()]:
                assert secret.encode() not in on_disk, secret
            assert retro_key not in on_disk
            for client in room.everyone:
                assert not [raw for raw in client.received if WITHDRAWN in raw]
                hashes = [owner_hash(secret) for secret in room.item_secrets]
                for secret in [*pseudonyms, *phone_secrets, *room.item_secrets, *hashes]:
                    assert not [raw for raw in client.received if secret in raw]
        finally:
            await pool.close_all()
            await server.stop()

        events = store.events(retro_id)
        assert not [event for event in events if event.type in BALLOT_EVENT_TYPES]
        record = store.record(retro_id)
        assert record is not None and record.retro_key is None and record.closed
        replayed = replay(retro_id, events)
        assert replayed == session.state
        outcome = board_view(replayed)
        assert outcome.model_dump(mode="json") == ended[1], "the phones' last board is the lasting outcome"
        assert [(t.title, t.votes) for t in outcome.topics][: len(TOTALS)] == TOTALS
        assert [(a.text, a.owner, a.due.isoformat(), a.topic_title) for a in outcome.actions] == ACTIONS
        [motivation, supported] = outcome.check_in
        assert (motivation.answered, motivation.mean) == (6, MOTIVATION_MEAN)
        assert (supported.answered, supported.mean) == (2, None)
        assert outcome.roti is not None and (outcome.roti.answered, outcome.roti.mean) == (4, 4.0)
        assert [n.text for n in outcome.notes] == ["Nobody wants to deploy on a Friday"]

        await the_next_retro_reviews_the_actions(store, retro_id)
    finally:
        store.close()


async def the_next_retro_reviews_the_actions(store: SqliteStore, first_id: str) -> None:
    [first_row] = history_rows(store, TEAM)
    assert (first_row.title, first_row.team, first_row.items) == ("Sprint 42", TEAM, 9)
    assert first_row.check_in_mean == MOTIVATION_MEAN
    assert (first_row.actions_open, first_row.actions_done) == (2, 0)

    second = open_session(
        store,
        resume=False,
        title="Sprint 43",
        team=TEAM,
        template=COMPASSIONATE,
        settings=RetroSettings(),
    )
    server = RetroServer(second, ServerConfig(host="127.0.0.1", port=0))
    await server.start()
    pool = Clients(server)
    try:
        phone = await pool.join()
        board = (await phone.wait_for("board"))["board"]
        assert (board["title"], board["phase"]) == ("Sprint 43", "review")
        review = [(r["text"], r["owner"], r["due"], r["from_title"], r["outcome"]) for r in board["review"]]
        assert review == [(text, owner, due, "Sprint 42", None) for text, owner, due, _ in ACTIONS]
        assert all(r["ref"].startswith(f"{first_id}/") for r in board["review"])
        facilitator = await pool.facilitator()
        await facilitator.command("review_action", ref=board["review"][0]["ref"], outcome="done")
        reviewed = await phone.wait_for("board", lambda m: m["board"]["review"][0]["outcome"] == "done")
        assert reviewed["board"]["review"][1]["outcome"] is None
    finally:
        await pool.close_all()
        await server.stop()

    first_row, second_row = history_rows(store, TEAM)
    assert (first_row.title, first_row.actions_open, first_row.actions_done) == ("Sprint 42", 1, 1)
    assert (second_row.title, second_row.items, second_row.check_in_mean) == ("Sprint 43", 0, None)
    assert history_rows(store, "Another team") == []


async def test_an_end_interrupted_by_a_crash_still_erases_the_pseudonyms_on_restart(tmp_path: Path) -> None:
    db_path = tmp_path / "retro.db"
    store = SqliteStore(db_path)
    try:
        session = Session.start(store, title="Sprint 42", team=TEAM)
        retro_id = session.record.retro_id
        secret = new_secret()
        ballot = session.pseudonym_for(secret)
        assert ballot is not None
        session.execute(Facilitator(), ChangePhase(to=Phase.CHECK_IN))
        session.execute(Participant(ballot), AnswerCheckIn(question_id="motivation", value=7))
        session.execute(Facilitator(), ChangePhase(to=Phase.CLOSE))
        session.execute(Participant(ballot), AnswerRoti(value=4))
        # What Session.execute does for the end, up to the moment the process dies: durably appended.
        store.append(
            retro_id, decide(session.state, Facilitator(), ChangePhase(to=Phase.ENDED), session.clock()), None
        )

        record = store.record(retro_id)
        assert record is not None
        resumed = Session.resume(store, record)
        assert resumed.state.phase is Phase.ENDED
        server = RetroServer(resumed, ServerConfig(host="127.0.0.1", port=0))
        await server.start()
        pool = Clients(server)
        try:
            phone = await pool.join(secret=secret)
            assert (await phone.wait_for("board"))["board"]["phase"] == "ended"
            await phone.refused("answer_roti", "closed", value=1)
            await phone.drain()
            assert "private" not in [m["type"] for m in phone.messages()]
        finally:
            await pool.close_all()
            await server.stop()
        assert ballot.encode() not in file_bytes(db_path)
        assert store.latest_open_retro() is None
    finally:
        store.close()
