"""Review and Check-in in the facilitator's TUI, run for real with Pilot: earlier actions marked one by
one, check-in results that appear only once three have answered, and the team's trend over earlier retros."""

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Sparkline

from retro.actors import Participant
from retro.commands import (
    AnswerCheckIn,
    ChangePhase,
    RecordAction,
)
from retro.history import open_actions
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    board_of,
    fixed_app,
    make_app,
    rows_of,
    run,
    screen_text,
    seen,
    served,
    server_of,
    session_of,
    text_of,
)
from tests.support.waiting import until
from tui.panels.check_in import QuestionCard

TEAM = "Ward 7"


async def test_review_marks_each_earlier_action_done_carried_over_or_dropped(
    store: SqliteStore, tmp_path: Path
) -> None:
    earlier = Session.start(store, title="Sprint 41", team=TEAM, today=date(2026, 11, 13))
    run(earlier, ChangePhase(to=Phase.ACTIONS))
    for text, owner in (("Fix the rota", "Priya"), ("Ask for a quiet room", "Sam"), ("Buy a kettle", "Jo")):
        run(earlier, RecordAction(text=text, owner=owner, due=date(2026, 11, 20)))
    run(earlier, ChangePhase(to=Phase.ENDED))
    session = Session.start(store, title="Sprint 42", team=TEAM, review=open_actions(store, TEAM))

    app = make_app(session, tmp_path)
    async with served(app) as pilot:
        await pilot.press("b")
        await pilot.pause()
        table = board_of(app).query_one("#review-table", DataTable)
        assert [row[:2] for row in rows_of(table)] == [
            ["Fix the rota", "Priya"],
            ["Ask for a quiet room", "Sam"],
            ["Buy a kettle", "Jo"],
        ]
        assert [row[4] for row in rows_of(table)] == ["—", "—", "—"]
        assert "3 open actions from earlier retros · 0 reviewed" in screen_text(app)

        await pilot.press("d", "down", "c", "down", "delete")
        await until(lambda: len(session_of(app).state.review_outcomes) == 3)
        reviewed = ["✓ done", "↻ carried over", "✗ dropped"]
        await until(lambda: [row[4] for row in rows_of(table)] == reviewed)
        assert "3 reviewed" in screen_text(app)

        await pilot.press("up", "up", "c")
        await until(lambda: rows_of(table)[0][4] == "↻ carried over")


async def test_a_retro_without_earlier_actions_says_so(store: SqliteStore, tmp_path: Path) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert "No open actions from earlier retros." in screen_text(app)


def earlier_check_in(store: SqliteStore, answers: list[int], day: date) -> None:
    past = Session.start(store, title="Earlier", team=TEAM, today=day)
    run(past, ChangePhase(to=Phase.CHECK_IN))
    for index, value in enumerate(answers):
        past.execute(Participant(f"past-{index}"), AnswerCheckIn(question_id="motivation", value=value))
    run(past, ChangePhase(to=Phase.ENDED))


async def test_check_in_shows_a_histogram_only_once_three_have_answered_and_the_trend(
    store: SqliteStore, tmp_path: Path
) -> None:
    earlier_check_in(store, [5, 6, 7], date(2026, 10, 30))
    earlier_check_in(store, [9, 9], date(2026, 11, 13))
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        await pilot.press("b", "n")
        await until(lambda: app.view.board.phase is Phase.CHECK_IN)
        await pilot.pause()
        board = board_of(app)
        card = board.query_one("#question-motivation", QuestionCard)
        sparkline = board.query_one("#trend-sparkline", Sparkline)
        assert sparkline.data == [6.0], "a retro where only two answered is left out of the trend"
        assert "6.0" in screen_text(app)
        assert "one bar per retro, oldest first · 2 retros not drawn: fewer than 3 answered" in screen_text(
            app
        )

        phones = [await Client.join(server_of(app).websocket_url) for _ in range(3)]
        for value in (7, 8):
            await phones.pop().command(kind="answer_check_in", question_id="motivation", value=value)
        await until(lambda: "2 answered — results appear once 3 have answered" in text_of(card))
        assert "mean" not in screen_text(app)

        await phones.pop().command(kind="answer_check_in", question_id="motivation", value=9)
        await until(lambda: "mean 8.0 of 10 · 3 answers" in text_of(card))
        assert "██" in text_of(card)
        assert sparkline.data == [6.0, 8.0]
        assert " 6.0  8.0 " in screen_text(app)
        assert "1 retro not drawn: fewer than 3 answered" in screen_text(app)
        supported = board.query_one("#question-supported", QuestionCard)
        assert "0 answered — results appear once 3 have answered" in text_of(supported)


async def test_a_team_without_enough_history_gets_no_trend_line(store: SqliteStore, tmp_path: Path) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        run(session_of(app), ChangePhase(to=Phase.CHECK_IN))
        await seen(app)
        await pilot.press("b")
        await pilot.pause()
        assert "Not enough answers yet to draw the team's trend." in screen_text(app)
        assert not board_of(app).query_one("#trend-sparkline", Sparkline).display
