"""The anonymity proof of tests/test_anonymity_proof.py, for pulses. Three weeks of a team's pulse (the
first two through an in-process server on the same file) and one week of another's, answered by websocket
phones in a known order, this week on a real `retro serve --log-format json`; then every surface is read
back: the SQLite file with its -wal and -shm (while the pulse is open, after the close while the server runs,
after it stopped), every frame to the teams' facilitators and to each phone (not the operator's, which carry
the team tokens it is shown once), the service log, the command line's output, the exports and the poster.

While a pulse is open, design.md allows the file to hold each phone's answers under its pseudonym (an HMAC
of the phone's secret under the pulse's key) and the key itself, nothing more: no phone secret, user agent,
address or time. After the close nothing ties an answer to a phone, to another answer or to when it came.
"""

import asyncio
import csv
import io
import json
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from retro.pulse.lifecycle import close_pulse, open_pulse
from retro.sqlite_store import SqliteStore
from server.app import RetroServer, ServerConfig
from tests.support.anonymity import ADDRESS, USER_AGENT, Needles, message_surfaces, scan
from tests.support.client import Client
from tests.support.facilitator import TokenClient
from tests.support.pulse_phone import aggregate_keys, answered
from tests.support.pulse_proof import (
    ISO_TIME,
    TIME_KEYS,
    PulseRun,
    answer_pulse,
    columns,
    database_files,
    kept_count,
    keys_in,
    pulse_row,
    run_retro,
    scale_answers,
    settled,
    stored_rows,
)
from tests.support.team_server import team_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

WARD, THEATRES = "Ward 7", "Theatres"
EARLIER, GAP = "two weeks ago", "last week"
"""Ward 7's earlier pulses: twelve answers, then four (a gap in the trend)."""
HIDDEN_COMMENTS = ("last week: idea", "Theatres lone comment")
"""Comments written by fewer than the threshold: shown nowhere, only counted."""
EXPORTS = ("table", "html", "csv", "json")


@dataclass
class Proof:
    runs: dict[str, PulseRun]
    needles: Needles
    """What must be nowhere once the pulses have closed."""
    allowed_while_open: set[str]
    """Needles the file may hold while Ward 7's pulse is open: its phones' pseudonyms."""
    keys: dict[str, bytes]
    """Each pulse's key, as the file holds it while the pulse is open."""
    tokens: list[str]
    """The operator's, the teams' and the pulses' join tokens: in no log line."""
    while_open: dict[str, bytes]
    surfaces: dict[str, bytes]
    facilitators: dict[str, Client]
    facilitator_seen_before_close: dict[str, int]
    ward_closed: dict[str, Any]
    ward_trend: dict[str, Any]
    late: dict[str, Any]
    closed_again: dict[str, Any]
    log_lines: list[str]
    exports: dict[str, str]
    db: Path


def spread(count: int, start: int = 1) -> list[int]:
    return [start + number % 10 for number in range(count)]


async def seed_earlier_weeks(db: Path, needles: Needles, keys: dict[str, bytes]) -> dict[str, PulseRun]:
    """Ward 7's pulses of two weeks ago and last week, answered through an in-process server on the file."""
    store = SqliteStore(db)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    runs: dict[str, PulseRun] = {}
    try:
        now = datetime.now(UTC)
        for name, weeks_ago, values in ((EARLIER, 2, spread(12)), (GAP, 1, [9, 9, 9, 10])):
            record = open_pulse(store.pulses, team=WARD, now=now - timedelta(weeks=weeks_ago))
            assert record.pulse_key is not None
            keys[name] = record.pulse_key
            run = PulseRun(WARD, record.pulse_id, record.week, [])
            url = server.address.websocket_url(record.join_token)
            await answer_pulse(url, record.pulse_key, needles, run, values, f"{name}: idea", len(values))
            run.seen_before_close = await settled(run.phones)
            run.rows_while_open = stored_rows(db, record.pulse_id)
            close_pulse(store.pulses, record.pulse_id)
            server.doors.pulses.notice_closing()
            for phone in run.phones:
                await phone.wait_for("pulse", lambda m: m["pulse"]["closed"])
                await phone.close()
            runs[name] = run
    finally:
        await server.stop()
        store.close()
    return runs


async def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """A `retro` command, run without stalling the event loop the phones' connections live on."""
    done = await asyncio.to_thread(run_retro, *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def proof(tmp_path_factory: pytest.TempPathFactory) -> Proof:
    """Everything runs once; every test of this module reads what it left."""
    here = tmp_path_factory.mktemp("pulse_proof")
    db, posters = here / "org.db", here / "posters"
    needles, keys = Needles(), dict[str, bytes]()
    runs = await seed_earlier_weeks(db, needles, keys)
    surfaces: dict[str, bytes] = {}
    async with team_server(db, "--log-format", "json") as server:
        needles.add("operator token", server.operator_token)
        operator = await TokenClient.hello(server.door, server.operator_token)
        ward_token, theatres_token = [await operator.add_team(team) for team in (WARD, THEATRES)]
        for token in (ward_token, theatres_token):
            needles.add("team token", token)

        ward = await TokenClient.hello(server.door, ward_token)
        opened = await ward.answered("pulse_open", title="Shift start")
        ward_join = opened["join_path"].removeprefix("/j/")
        pulse_id, key = pulse_row(db, ward_join)
        assert key is not None
        keys[WARD] = key
        run = runs[WARD] = PulseRun(WARD, pulse_id, opened["week"], [])
        before = set(needles.found)
        await answer_pulse(server.phone_url(opened["join_path"]), key, needles, run, spread(12),
                           "Ward 7 idea", commenters=12, skip_last_after=4)  # fmt: skip
        allowed = {name for name in set(needles.found) - before if name.startswith("pseudonym")}
        changed = scale_answers(opened["questions"], 10) + [{"question_id": "help", "text": run.comments[0]}]
        assert (await answered(run.phones[0], changed))["type"] == "ack", "answering again replaces"
        run.arrival.append(run.arrival.pop(0))
        run.seen_before_close = await settled(run.phones)
        run.rows_while_open = stored_rows(db, pulse_id)
        while_open = database_files(db)

        theatres_open = await cli("pulse", "open", "--server", server.base_url, "--token", theatres_token,
                                  "--poster-dir", str(posters), "--paper", "a4", cwd=here)  # fmt: skip
        link = re.search(r"^Join URL:  \S+/j/(\S+)$", theatres_open.stdout, re.MULTILINE)
        assert link is not None, theatres_open.stdout
        theatres_join = link[1]
        theatres_id, theatres_key = pulse_row(db, theatres_join)
        assert theatres_key is not None
        keys[THEATRES] = theatres_key
        theatres = await TokenClient.hello(server.door, theatres_token)
        await theatres.answered("pulse_watch", pulse_id=theatres_id)
        theatre_run = runs[THEATRES] = PulseRun(THEATRES, theatres_id, opened["week"], [])
        await answer_pulse(server.phone_url(f"/j/{theatres_join}"), theatres_key, needles, theatre_run,
                           spread(12, start=3), "Theatres lone comment", commenters=4)  # fmt: skip
        theatre_run.seen_before_close = await settled(theatre_run.phones)
        theatre_run.rows_while_open = stored_rows(db, theatres_id)

        facilitator_seen = {WARD: len(ward.client.received), THEATRES: len(theatres.client.received)}
        ward_closed = (await ward.answered("pulse_close"))["results"]
        theatres_closed = await cli("pulse", "close", "--server", server.base_url, "--token", theatres_token)
        for phone in (*run.phones, *theatre_run.phones):
            await phone.wait_for("pulse", lambda m: m["pulse"]["closed"])
        await theatres.client.wait_for("pulse_count", lambda m: m["closed"])
        ward_trend = await ward.answered("pulse_trend")
        late = await answered(run.phones[1], scale_answers(opened["questions"], 1))
        closed_again = (await ward.answered("pulse_close", pulse_id=pulse_id))["results"]
        remote_table = await cli("pulse", "results", "--server", server.base_url, "--token", ward_token)
        surfaces |= {f"{name} after the close": data for name, data in database_files(db).items()}
        for client in (operator, ward, theatres):
            await client.close()
        for phone in (*run.phones, *theatre_run.phones):
            await phone.close()
    surfaces |= {f"{name} after the server stopped": data for name, data in database_files(db).items()}

    exports: dict[str, str] = {
        "retro pulse open (Theatres)": theatres_open.stdout,
        "retro pulse close (Theatres)": theatres_closed.stdout,
        "retro pulse results --server (Ward 7)": remote_table.stdout,
    }
    for team in (WARD, THEATRES):
        for chosen in EXPORTS:
            out = here / f"{team}.{chosen}"
            made = await cli("pulse", "results", "--db", str(db), "--team", team, "--format", chosen,
                             "--out", str(out))  # fmt: skip
            exports[f"{team} {chosen}"] = made.stdout if chosen == "table" else out.read_text("utf-8")
    [poster_html] = posters.glob("*.html")
    [poster_pdf] = posters.glob("*.pdf")
    exports["poster html"] = poster_html.read_text("utf-8")
    printed = subprocess.run(["pdftotext", str(poster_pdf), "-"], capture_output=True, text=True, check=True)
    exports["poster pdf text"] = " ".join(printed.stdout.split())
    surfaces |= {name: text.encode() for name, text in exports.items()}
    surfaces["poster pdf"] = poster_pdf.read_bytes()
    surfaces["service log"] = server.log.encode()
    surfaces |= message_surfaces("messages to facilitator", [ward.client, theatres.client])
    for name, pulse in runs.items():
        surfaces |= message_surfaces(f"messages to a phone of {name}", pulse.phones)
    return Proof(
        runs=runs,
        needles=needles,
        allowed_while_open=allowed,
        keys=keys,
        tokens=[server.operator_token, ward_token, theatres_token, ward_join, theatres_join],
        while_open=while_open,
        surfaces=surfaces,
        facilitators={WARD: ward.client, THEATRES: theatres.client},
        facilitator_seen_before_close=facilitator_seen,
        ward_closed=ward_closed,
        ward_trend=ward_trend,
        late=late,
        closed_again=closed_again,
        log_lines=server.log_lines,
        exports=exports,
        db=db,
    )


async def test_no_secret_pseudonym_key_agent_or_token_is_anywhere_once_the_pulses_have_closed(
    proof: Proof,
) -> None:
    assert len(proof.surfaces) == 6 + 3 + 8 + 2 + 1 + 1 + 2 + 12 + 4 + 12 + 12, "files, outputs, frames"
    kinds = {what.rsplit(" ", 1)[0] for what in proof.needles.found}
    assert kinds == {"operator token", "team token", "phone secret", "pseudonym", "user agent"}
    assert len([what for what in proof.needles.found if what.startswith("pseudonym")]) == 12 + 4 + 12 + 12
    assert scan(proof.surfaces, proof.needles) == []
    for name, key in proof.keys.items():
        assert [surface for surface, data in proof.surfaces.items() if key in data] == [], name


async def test_while_a_pulse_is_open_the_file_holds_pseudonyms_and_its_key_but_no_phone(proof: Proof) -> None:
    everything = b"".join(proof.while_open.values())
    found = {what for _, what in scan(proof.while_open, proof.needles)}
    assert found == proof.allowed_while_open and len(found) == 12, "Ward 7's phones' pseudonyms, nothing else"
    assert proof.keys[WARD] in everything, "the open pulse's key, so that a phone may change its answers"
    assert not [name for name in (EARLIER, GAP) if proof.keys[name] in everything], "closed: key gone"
    assert USER_AGENT.encode() not in everything and ADDRESS.encode() not in everything
    assert columns(proof.db, "pulse_answers") == {"pulse_id", "ballot", "question_id", "value", "text"}
    assert not columns(proof.db, "pulses") & {"ip", "address", "user_agent", "answered_at", "secret"}


async def test_after_the_close_no_answer_ties_to_a_phone_another_answer_or_its_arrival(proof: Proof) -> None:
    comments_as_they_came = []
    for name, run in proof.runs.items():
        rows = stored_rows(proof.db, run.pulse_id)
        assert sorted(map(repr, rows)) == sorted(repr((None, *row[1:])) for row in run.rows_while_open), name
        assert len({ballot for ballot, *_ in run.rows_while_open}) == len(run.phones), "open: one per phone"
        assert {ballot for ballot, *_ in rows} == {None}, f"{name}: no two answers tie to one phone"
        assert kept_count(proof.db, run.pulse_id) == len(run.phones), "only how many phones answered is kept"
        assert [row[1] for row in rows] != [row[1] for row in run.rows_while_open], (
            f"{name}: each phone's answers still lie side by side, in the order they came"
        )  # by chance: under 1 in 10^11 for the smallest pulse, four phones' twenty answers
        stored_comments = [text for *_, text in rows if text is not None]
        if len(run.comments) == 12:
            comments_as_they_came.append(stored_comments in (run.arrival, run.comments))
    assert len(comments_as_they_came) == 2
    assert False in comments_as_they_came, (
        "twelve comments, twice: both in arrival order by chance 1 in 10^17"
    )


def _frames(client: Client) -> list[dict[str, Any]]:
    return client.messages()


def _hidden_comments(text: str) -> list[str]:
    return [words for words in HIDDEN_COMMENTS if words in text]


async def test_a_facilitator_gets_a_count_and_results_behind_the_threshold_never_a_phone(
    proof: Proof,
) -> None:
    for team, client in proof.facilitators.items():
        frames = _frames(client)
        before = client.received[: proof.facilitator_seen_before_close[team]]
        counts = [frame for frame in frames if frame["type"] == "pulse_count"]
        assert counts and all(set(frame) == {"type", "pulse_id", "answered", "closed"} for frame in counts)
        assert (counts[-1]["answered"], counts[-1]["closed"]) == (12, True)
        assert [keys for raw in before if (keys := aggregate_keys(raw) - {"answered"})] == [], team
        assert not [c for c in proof.runs[team].comments if any(c in raw for raw in before)], "none before"
        assert not keys_in(frames) & TIME_KEYS and not _hidden_comments("".join(client.received)), team
    results = proof.ward_closed
    assert results["answered"] == 12
    *shown, last = results["summaries"]
    assert all(summary["shown"] and summary["mean"] is not None for summary in shown)
    assert (last["answered"], last["shown"], last["mean"], last["histogram"]) == (4, False, None, None)
    assert sorted(c["text"] for c in results["comments"]) == sorted(proof.runs[WARD].comments)
    assert {key for comment in results["comments"] for key in comment} == {"text", "points_at_person"}
    points = [(p["week"], p["answered"], p["mean"] is None) for p in proof.ward_trend["points"]]
    weeks = [proof.runs[name].week for name in (EARLIER, GAP, WARD)]
    assert points == [(weeks[0], 12, False), (weeks[1], 4, True), (weeks[2], 12, False)], "a gap, never 9.2"
    theatres = proof.exports["retro pulse close (Theatres)"]
    assert "Comments: too few to show (4)" in theatres and not _hidden_comments(theatres)


async def test_a_phone_learns_nothing_of_the_other_phones_before_the_close(proof: Proof) -> None:
    for name, run in proof.runs.items():
        views = {raw for phone in run.phones for raw in phone.received if '"type":"pulse"' in raw[:20]}
        assert len(views) == 2, f"{name}: the first phone and the last saw the same page, then the results"
        for number, phone in enumerate(run.phones):
            before = phone.received[: run.seen_before_close[number]]
            kinds = [json.loads(raw)["type"] for raw in before]
            assert kinds.count("pulse") == 1, f"{name} {number}: no view moved as others answered"
            assert set(kinds) == {"welcome", "pulse", "pulse_mine", "ack", "error"}
            assert json.loads(before[2]) == {"type": "pulse_mine", "answers": []}, "nobody else's answers"
            assert [keys for raw in before if (keys := aggregate_keys(raw))] == [], "no count, no aggregate"
            others = [c for n, c in enumerate(run.comments) if n != number]
            assert [c for c in others if any(c in raw for raw in before)] == [], f"{name} {number}"


async def test_after_the_close_phones_see_each_question_behind_the_threshold_shuffled_and_without_times(
    proof: Proof,
) -> None:
    shown_as_they_came = []
    for name, run in proof.runs.items():
        closed = [m for m in _frames(run.phones[0]) if m["type"] == "pulse" and m["pulse"]["closed"]]
        results = closed[0]["pulse"]["results"]
        if name == WARD:
            assert results == proof.ward_closed, "every phone the same results as the facilitator"
        for summary in results["summaries"]:
            enough = summary["answered"] >= results["min_responses"]
            assert summary["shown"] is enough and (summary["mean"] is None) is not enough, (name, summary)
            assert (summary["histogram"] is None) is not enough
        if len(run.comments) < results["min_responses"]:
            assert (results["comments"], results["comments_written"]) == (None, len(run.comments))
        texts = [comment["text"] for comment in results["comments"] or []]
        if len(texts) == 12:
            shown_as_they_came.append(texts in (run.arrival, run.comments))
        for phone in run.phones:
            assert not keys_in(_frames(phone)) & TIME_KEYS and not _hidden_comments("".join(phone.received))
    assert len(shown_as_they_came) == 2 and False in shown_as_they_came, "1 in 10^17 by chance"


async def test_the_service_log_holds_no_answer_pseudonym_token_or_address(proof: Proof) -> None:
    lines = [json.loads(line) for line in proof.log_lines]
    assert lines and {"started", "stopped"} <= {line["event"] for line in lines}, "the log was read"
    log = "".join(proof.log_lines)
    assert scan({"service log": log.encode()}, proof.needles) == []
    assert [token for token in proof.tokens if token in log] == []
    assert ADDRESS not in log and USER_AGENT not in log
    written = [comment for run in proof.runs.values() for comment in run.comments]
    assert [comment for comment in written if comment in log] == []
    assert not keys_in(lines) & {"value", "values", "answers", "text", "mean", "secret", "token", "address"}


async def test_exports_tables_and_the_poster_show_no_phone_no_hidden_comment_no_gap_as_a_number_no_time(
    proof: Proof,
) -> None:
    for name, text in proof.exports.items():
        assert _hidden_comments(text) == [], name
        assert ISO_TIME.search(text.encode()) is None, f"{name} carries a time"
    for chosen in ("html", "json"):
        shown = proof.exports[f"{WARD} {chosen}"]
        assert all(comment in shown for comment in proof.runs[WARD].comments), "the comments shown are there"
    gap_week = proof.runs[GAP].week
    for team in (WARD, THEATRES):
        report = json.loads(proof.exports[f"{team} json"])
        assert not keys_in(report) & TIME_KEYS
        points = [point for trend in report["trends"] for point in trend["points"]]
        assert [p["mean"] for p in points if p["week"] == gap_week] == ([None] * 4 if team == WARD else [])
        rows = list(csv.reader(io.StringIO(proof.exports[f"{team} csv"].removeprefix("\ufeff"))))[1:]
        gap_rows = [row for row in rows if row[0] == gap_week]
        assert [row[-1] for row in gap_rows] == ([""] * 4 if team == WARD else []), "an empty mean"
        page = proof.exports[f"{team} html"]
        dots = len([point for point in points if point["mean"] is not None])
        assert page.count("<circle") == dots, "a dot for each week shown, none for a gap"
        assert page.count(f"{gap_week}: gap") == (4 if team == WARD else 0)
    table = proof.exports[f"{WARD} table"].splitlines()
    assert [line.split()[1] for line in table if line.startswith(gap_week)] == ["gap"]
    ward_latest = json.loads(proof.exports[f"{WARD} json"])["latest"]
    assert ward_latest["summaries"][-1]["mean"] is None and ward_latest["summaries"][-1]["histogram"] is None
    poster = proof.exports["poster pdf text"]
    assert "Theatres" in poster and "Results appear only after the pulse closes" in poster, "it was read"


async def test_an_answer_after_the_close_is_refused_and_no_result_can_change(proof: Proof) -> None:
    assert (proof.late["type"], proof.late["code"]) == ("error", "closed")
    assert proof.closed_again == proof.ward_closed
    assert kept_count(proof.db, proof.runs[WARD].pulse_id) == 12


async def test_a_rollup_that_would_reveal_a_few_teams_by_difference_is_refused_on_the_command_line(
    tmp_path: Path,
) -> None:
    db, monday = tmp_path / "org.db", datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    store = SqliteStore(db)
    server = RetroServer(None, ServerConfig(host="127.0.0.1", port=0), store)
    await server.start()
    try:
        for team, values in (("Ward 7", [6] * 6), ("Theatres", [8] * 5), ("Porters", [1, 2])):
            record = open_pulse(store.pulses, team=team, now=monday, free_text=None)
            assert record.pulse_key is not None
            run = PulseRun(team, record.pulse_id, record.week, [])
            url = server.address.websocket_url(record.join_token)
            await answer_pulse(url, record.pulse_key, Needles(), run, values, None, 0)
            close_pulse(store.pulses, record.pulse_id)
            for phone in run.phones:
                await phone.close()
    finally:
        await server.stop()
        store.close()

    def rollup(teams: str) -> subprocess.CompletedProcess[str]:
        return run_retro("pulse", "rollup", "--db", str(db), "--teams", teams, "--week", "2026-W49")

    shown = await asyncio.to_thread(rollup, "Ward 7,Theatres")
    assert shown.stdout == "2026-W49 · Theatres, Ward 7: 11 answered; motivation 6.9 of 10\n", shown.stderr
    for teams in ("Ward 7,Porters", "Ward 7,Theatres,Porters", "Theatres,Porters"):
        refused = await asyncio.to_thread(rollup, teams)
        assert (refused.returncode, refused.stdout) == (1, ""), teams
        assert "would reveal their answers" in refused.stderr and "Traceback" not in refused.stderr
        assert not re.search(r"\d\.\d", refused.stderr), "no mean of the few"
