"""`retro pulse open|close|results` as a user runs them, on a real SQLite file; answers come from phones
through the domain's one path, as the server sends them."""

import json
import re
import secrets
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from retro.dates import UnknownDate, parse_moment
from retro.pulse.lifecycle import answer, close_pulse, open_pulse
from retro.pulse.models import PulseAnswer
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pulse_phone import answered
from tests.support.serve import RETRO
from tests.support.team_server import team_server

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
JOIN = re.compile(r"^Join URL:  (https://retro\.example\.org/j/([A-Za-z0-9_-]{22}))$", re.MULTILINE)


def retro(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*RETRO, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def phones_answer(
    db: Path, token: str, phones: int, value: int, comment: str = "Fewer interruptions"
) -> None:
    store = SqliteStore(db)
    try:
        record = store.pulses.pulse_for_token(token)
        assert record is not None
        for _ in range(phones):
            given = [PulseAnswer(question_id=q.id, value=min(value, q.high)) for q in record.questions]
            if record.free_text is not None:
                given.append(PulseAnswer(question_id="help", text=comment))
            answer(store.pulses, record, secrets.token_urlsafe(24), given)
    finally:
        store.close()


def test_a_pulse_opens_with_its_questions_and_link_closes_with_results_and_makes_a_trend(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "r.db")
    opened = retro("pulse", "open", "--db", db, "--team", "Ward 7", "--until", "fri 17:00", "--paper", "a4",
                   "--public-url", "https://retro.example.org", "--pin", "safe-to-speak",
                   cwd=tmp_path)  # fmt: skip
    assert opened.returncode == 0, opened.stderr
    match = JOIN.search(opened.stdout)
    assert match is not None, opened.stdout
    assert "1. How motivated do you feel about work this week?" in opened.stdout
    assert "2. I feel safe to speak up about things that worry me." in opened.stdout
    assert "5. What would help? (optional)" in opened.stdout
    week = datetime.now(UTC).isocalendar()
    poster = tmp_path / f"ward-7-{week.year}-W{week.week:02d}-pulse-poster.pdf"
    assert f"Poster:    {poster.name}" in opened.stdout
    page = tmp_path / "poster"
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-singlefile", str(poster), str(page)], check=True)
    decoded = subprocess.run(["zbarimg", "-q", "--raw", f"{page}.png"], capture_output=True, text=True)
    assert decoded.stdout.strip() == match[1], "the poster's QR code scans to the pulse's link"
    printed = subprocess.run(
        ["pdftotext", str(poster), "-"], capture_output=True, text=True, check=True
    ).stdout
    printed = " ".join(printed.split())
    assert "I feel safe to speak up about things that worry me." in printed
    assert (
        "nobody, the facilitator included," in printed
        and "Results appear only after the pulse closes" in printed
    )
    size = subprocess.run(["pdfinfo", str(poster)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in size
    phones_answer(tmp_path / "r.db", match[2], phones=6, value=4)

    closed = retro("pulse", "close", "--db", db, "--team", "Ward 7")
    assert closed.returncode == 0, closed.stderr
    assert "6 answered" in closed.stdout
    assert "How motivated do you feel about work this week?  4.0 of 10 (6)" in closed.stdout
    assert "– Fewer interruptions\n" in closed.stdout

    small = retro(
        "pulse",
        "open",
        "--db",
        db,
        "--team",
        "Ward 7",
        "--public-url",
        "https://retro.example.org",
        cwd=tmp_path,
    )
    small_link = JOIN.search(small.stdout)
    assert small_link is not None
    phones_answer(tmp_path / "r.db", small_link[2], phones=4, value=8)
    hidden = retro("pulse", "close", "--db", db, "--team", "Ward 7")
    assert "too few answers to show (4)" in hidden.stdout and "8.0" not in hidden.stdout
    assert "Comments: too few to show (4)" in hidden.stdout

    shown = retro("pulse", "results", "--db", db, "--team", "Ward 7")
    lines = [line.split() for line in shown.stdout.splitlines()]
    assert lines == [
        ["week", "motivation", "answered"],
        [f"{week.year}-W{week.week:02d}", "gap", "4"],
    ], "one point a week, the week's latest pulse; under the threshold it is a gap, never a number"


def test_bad_options_fail_in_one_line_and_open_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    for args, said in (
        (["--until", "someday"], "'someday' is not a time I know"),
        (["--until", "fri 25:00"], "give the time of day as HH:MM"),
        (["--min-responses", "2"], "--min-responses: give a number from 3 to 50."),
        (["--pin", "nope"], "No question 'nope' in the bank"),
        (["--bank", str(tmp_path / "missing.toml")], "cannot read the questions"),
    ):
        result = retro("pulse", "open", "--db", db, "--team", "Ward 7", *args, cwd=tmp_path)
        assert result.returncode != 0 and "Traceback" not in result.stderr
        [line] = result.stderr.splitlines()
        assert line.startswith("retro: ") and said in line, line
    nothing = retro("pulse", "close", "--db", db, "--team", "Ward 7")
    assert (
        nothing.stderr
        == "retro: Team 'Ward 7' has no open pulse; `retro pulse open --team 'Ward 7'` opens one.\n"
    )


@given(text=st.text(max_size=40))
def test_any_closing_time_is_understood_or_refused_in_a_sentence(text: str) -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    try:
        moment = parse_moment(text, now)
    except UnknownDate as unknown:
        assert str(unknown).strip()
    else:
        assert moment.tzinfo is not None and moment.date() >= now.date()


def test_a_rollup_is_shown_for_a_safe_group_and_refused_for_one_that_would_reveal(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    for team, phones in (("Ward 7", 6), ("Pharmacy", 2), ("Theatres", 5)):
        opened = retro("pulse", "open", "--db", str(db), "--team", team, "--public-url",
                       "https://retro.example.org", "--no-free-text", cwd=tmp_path)  # fmt: skip
        link = JOIN.search(opened.stdout)
        assert link is not None, opened.stderr
        phones_answer(db, link[2], phones=phones, value=7)
        assert retro("pulse", "close", "--db", str(db), "--team", team).returncode == 0
    week = datetime.now(UTC).isocalendar()
    iso = f"{week.year}-W{week.week:02d}"
    shown = retro("pulse", "rollup", "--db", str(db), "--teams", "Ward 7,Theatres", "--week", iso)
    assert shown.stdout == f"{iso} · Theatres, Ward 7: 11 answered; motivation 7.0 of 10\n", shown.stderr
    refused = retro("pulse", "rollup", "--db", str(db), "--teams", "Ward 7,Pharmacy", "--week", iso)
    assert refused.returncode == 1 and "would reveal their answers" in refused.stderr


def test_you_said_we_did_is_recorded_against_the_last_closed_pulse_and_settled(tmp_path: Path) -> None:
    db = str(tmp_path / "r.db")
    early = retro(
        "pulse", "action", "--db", db, "--team", "Ward 7", "--text", "x", "--owner", "y", "--due", "fri"
    )
    assert early.stderr == "retro: Team 'Ward 7' has no closed pulse to act on yet.\n"
    retro("pulse", "open", "--db", db, "--team", "Ward 7", "--pin", "breaks", cwd=tmp_path)
    retro("pulse", "close", "--db", db, "--team", "Ward 7")
    added = retro("pulse", "action", "--db", db, "--team", "Ward 7", "--text", "Cover breaks on nights",
                  "--owner", "Priya", "--due", "2026-12-11", "--responds-to", "breaks")  # fmt: skip
    assert added.returncode == 0, added.stderr
    action_id = added.stdout.split()[0]
    assert added.stdout == f"{action_id}  Cover breaks on nights — Priya, due 2026-12-11\n"
    bad = retro("pulse", "action", "--db", db, "--team", "Ward 7", "--text", "t", "--owner", "o",
                "--due", "someday", "--responds-to", "breaks")  # fmt: skip
    assert bad.returncode == 2 and "'someday' is not a date I know" in bad.stderr
    assert retro("pulse", "done", "--db", db, action_id).stdout == "Cover breaks on nights: done\n"
    listed = retro("pulse", "actions", "--db", db, "--team", "Ward 7")
    assert listed.stdout == f"{action_id}  [done] Cover breaks on nights — Priya, due 2026-12-11\n"


def test_the_report_exports_chart_the_weeks_with_gaps_and_keep_user_text_inert(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    store = SqliteStore(db)
    try:
        for week, phones in enumerate((6, 4, 5)):
            record = open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=week))
            for _ in range(phones):
                given = [PulseAnswer(question_id=q.id, value=min(week + 3, q.high)) for q in record.questions]
                given.append(PulseAnswer(question_id="help", text='=HYPERLINK("x") <b>more</b> staff'))
                answer(store.pulses, record, secrets.token_urlsafe(24), given)
            close_pulse(store.pulses, record.pulse_id)
    finally:
        store.close()
    written = {}
    for chosen in ("html", "csv", "json"):
        asked = ("pulse", "results", "--db", str(db), "--team", "Ward 7", "--format", chosen)
        result = retro(*asked, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        written[chosen] = Path(result.stdout.strip()).read_text(encoding="utf-8")
    page = written["html"]
    assert page.count('<svg class="trend"') >= 4, "motivation and each statement asked get a chart"
    assert "2026-W49: 3.0, 2026-W50: gap, 2026-W51: 5.0" in page, "the chart says the gap, never a number"
    assert "&lt;b&gt;more&lt;/b&gt;" in page and "<b>more</b>" not in page
    rows = written["csv"].splitlines()
    assert rows[0] == "\ufeffWeek,Question id,Question,Answered,Mean"
    assert "2026-W50,motivation,How motivated do you feel about work this week?,4," in rows
    report = json.loads(written["json"])
    motivation = report["trends"][0]
    assert [p["mean"] for p in motivation["points"]] == [3.0, None, 5.0]
    assert report["latest"]["comments"][0]["text"] == '=HYPERLINK("x") <b>more</b> staff'


def test_closing_marks_comments_that_point_at_a_person(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    opened = retro("pulse", "open", "--db", str(db), "--team", "Ward 7", cwd=tmp_path)
    token = opened.stdout.split("/j/", 1)[1].split()[0]
    phones_answer(db, token, phones=5, value=5, comment="Sam forgot the handover again")
    closed = retro("pulse", "close", "--db", str(db), "--team", "Ward 7")
    assert "– Sam forgot the handover again  (may point at a person)" in closed.stdout


async def test_a_team_runs_a_pulse_on_a_shared_server_from_the_command_line(tmp_path: Path) -> None:
    async with team_server(tmp_path / "org.db") as server:
        added = retro("team", "add", "Ward 7", "--server", server.base_url,
                      "--operator-token", server.operator_token)  # fmt: skip
        token = added.stdout.splitlines()[0]
        remote = ("--server", server.base_url, "--token", token)
        opened = retro(
            "pulse", "open", *remote, "--pin", "breaks", "--poster-dir", str(tmp_path), cwd=tmp_path
        )
        assert opened.returncode == 0, opened.stderr
        link = re.search(r"^Join URL:  (\S+)$", opened.stdout, re.MULTILINE)
        assert link is not None and link[1].startswith(server.base_url + "/j/"), opened.stdout
        assert "Pulse:     Weekly pulse · Ward 7" in opened.stdout
        assert "  2. I was able to take the breaks I needed." in opened.stdout
        assert "Poster:    " in opened.stdout
        phone_socket = server.phone_url("/j/" + link[1].rsplit("/", 1)[1])
        for _ in range(5):
            phone = await Client.join(phone_socket)
            view = await phone.wait_for("pulse")
            questions = [q["id"] for q in view["pulse"]["questions"]]
            given = [{"question_id": q, "value": 4} for q in questions]
            assert (await answered(phone, given))["type"] == "ack"
            await phone.close()
        closed = retro("pulse", "close", *remote)
        assert closed.returncode == 0, closed.stderr
        assert (
            "5 answered" in closed.stdout
            and "I was able to take the breaks I needed.  4.0 of 5 (5)" in closed.stdout
        )
        shown = retro("pulse", "results", *remote)
        assert shown.stdout.splitlines()[0].split() == ["week", "motivation", "answered"]
        assert shown.stdout.splitlines()[1].split()[1:] == ["4.0", "5"]
        other = retro("pulse", "close", *remote)
        assert other.returncode == 1 and "Traceback" not in other.stderr
