"""The pulse anonymity proof's machinery: phones that answer a pulse over a real websocket (their secrets and
pseudonyms are needles, tests/support/anonymity.py), the pulse's rows and key as anyone holding the SQLite
file reads them, the file with its -wal and -shm, and the keys and times a frame or an export carries."""

import re
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.anonymity import Needles, join_phones
from tests.support.client import Client
from tests.support.pulse_phone import answered
from tests.support.serve import RETRO

Question = dict[str, Any]

TIME_KEYS = frozenset({"created_at", "answered_at", "received_at", "time", "timestamp", "at", "when"})
"""Keys that would carry when an answer came: no result, frame or export has one."""
ISO_TIME = re.compile(rb"\d{4}-\d\d-\d\d[T ]\d\d:\d\d")


@dataclass
class PulseRun:
    """One pulse answered by phones in a known order."""

    team: str
    pulse_id: str
    week: str
    phones: list[Client]
    comments: list[str] = field(default_factory=list)
    """Every comment written, by phone number."""
    arrival: list[str] = field(default_factory=list)
    """The comments in the order their phones' last answers arrived."""
    seen_before_close: list[int] = field(default_factory=list)
    """How many frames each phone had received when the pulse closed."""
    rows_while_open: list[tuple[str | None, str, int | None, str | None]] = field(default_factory=list)
    """The pulse's answers as the file stored them just before the close (stored_rows)."""


def read_only(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True)


def pulse_row(db: Path, join_token: str) -> tuple[str, bytes | None]:
    """The pulse's id and key, read from the file as anyone holding it could."""
    with closing(read_only(db)) as reader:
        pulse_id, key = reader.execute(
            "SELECT pulse_id, pulse_key FROM pulses WHERE join_token = ?", (join_token,)
        ).fetchone()
    return str(pulse_id), key


def stored_rows(db: Path, pulse_id: str) -> list[tuple[str | None, str, int | None, str | None]]:
    """(ballot, question_id, value, text) of every answer, in the order the file stores them."""
    with closing(read_only(db)) as reader:
        rows = reader.execute(
            "SELECT ballot, question_id, value, text FROM pulse_answers WHERE pulse_id = ? ORDER BY rowid",
            (pulse_id,),
        ).fetchall()
    return [tuple(row) for row in rows]


def database_files(db: Path) -> dict[str, bytes]:
    """The SQLite file, its write-ahead log and its shared-memory index, as they are on disk now."""
    files = {"sqlite file": db, "sqlite wal": Path(f"{db}-wal"), "sqlite shm": Path(f"{db}-shm")}
    return {name: path.read_bytes() if path.exists() else b"" for name, path in files.items()}


def scale_answers(
    questions: list[Question], value: int, skip: frozenset[str] = frozenset()
) -> list[Question]:
    """A value for each scale question not skipped, kept on its scale."""
    return [
        {"question_id": q["id"], "value": max(q["low"], min(value, q["high"]))}
        for q in questions
        if q["id"] not in skip
    ]


async def answer_pulse(
    url: str,
    key: bytes,
    needles: Needles,
    run: PulseRun,
    values: list[int],
    comment: str | None,
    commenters: int,
    skip_last_after: int | None = None,
) -> None:
    """Phones join and answer one after another, so that each later one joins after others have answered:
    `values[n]` on every scale (the last question only for the first `skip_last_after` phones, when given)
    and `comment` numbered, for the first `commenters`."""
    for number, value in enumerate(values):
        [phone] = await join_phones(url, key, needles, count=1)
        run.phones.append(phone)
        view = (await phone.wait_for("pulse"))["pulse"]
        questions, free_text = view["questions"], view["free_text"]
        last = frozenset({questions[-1]["id"]})
        skip = last if skip_last_after is not None and number >= skip_last_after else frozenset()
        given = scale_answers(questions, value, skip)
        if comment is not None and number < commenters:
            words = f"{comment} {number:02}"
            run.comments.append(words)
            run.arrival.append(words)
            given.append({"question_id": free_text["id"], "text": words})
        reply = await answered(phone, given)
        assert reply["type"] == "ack", reply


async def settled(phones: list[Client]) -> list[int]:
    """Each phone's frames so far, once everything sent to it before now has arrived: a refused empty answer
    (which keeps nothing) is answered after all of them."""
    for phone in phones:
        reply = await answered(phone, [])
        assert reply["code"] == "invalid", reply
    return [len(phone.received) for phone in phones]


def kept_count(db: Path, pulse_id: str) -> int | None:
    """The number of phones that answered, as the file keeps it once the pulse has closed."""
    with closing(read_only(db)) as reader:
        (kept,) = reader.execute("SELECT answered FROM pulses WHERE pulse_id = ?", (pulse_id,)).fetchone()
    return None if kept is None else int(kept)


def columns(db: Path, table: str) -> set[str]:
    with closing(read_only(db)) as reader:
        return {row[1] for row in reader.execute(f"PRAGMA table_info({table})")}


def keys_in(value: object) -> set[str]:
    """Every key of every object in a decoded frame or export."""
    if isinstance(value, dict):
        return set(value) | {key for inner in value.values() for key in keys_in(inner)}
    if isinstance(value, list):
        return {key for inner in value for key in keys_in(inner)}
    return set()


def run_retro(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A `retro` command as a user runs it, in a process of its own."""
    return subprocess.run([*RETRO, *args], capture_output=True, text=True, timeout=120, cwd=cwd)
