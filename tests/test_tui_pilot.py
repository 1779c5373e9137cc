"""The facilitator's TUI, run for real with Pilot, with real phones on a real loopback port.

Each test drives one part of a retro from the keyboard and asserts what the (often projected) screen
shows. Setup that is not under test goes through Session.execute, the one command path.
"""

import re
from datetime import date, timedelta
from pathlib import Path

from rich.text import Text
from textual.widgets import DataTable, Input, Select, Sparkline, Static

from retro.actors import Participant
from retro.commands import (
    AnswerCheckIn,
    ChangePhase,
    MergeTopics,
    RecordAction,
    Ungroup,
)
from retro.history import open_actions
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    NOW,
    SIZE,
    FixedClock,
    board_of,
    make_app,
    notified,
    prompts_of,
    run,
    screen_text,
    serving,
    text_of,
    write,
)
from tests.support.qr_bitmap import decode
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until
from tui.app import RetroApp
from tui.dialogs.action_form import ActionFormScreen
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.export import ExportScreen
from tui.dialogs.help import HelpScreen
from tui.dialogs.text_prompt import TextPromptScreen
from tui.panels.check_in import QuestionCard
from tui.screens.board import BoardScreen
from tui.screens.lobby import LobbyScreen
from tui.widgets.countdown import Countdown
from tui.widgets.qr import QrCode
from tui.widgets.topic_list import TopicList

TEAM = "Ward 7"


def rows_of(table: DataTable[Text]) -> list[list[str]]:
    return [[cell.plain for cell in table.get_row_at(row)] for row in range(table.row_count)]


def phase_of(session: Session) -> Phase:
    return session.state.phase


WAIT = 30.0
"""A generous limit for what a busy machine may take to show; tests wait for what they expect, never
for a fixed time."""


async def test_lobby_shows_a_qr_code_that_scans_to_the_join_url_and_counts_phones(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        lobby = app.screen
        assert isinstance(lobby, LobbyScreen)
        join_url = f"http://127.0.0.1:{app.server.port}/j/{app.session.record.join_token}"
        await until(lambda: text_of(lobby.query_one("#join-url", Static)) == join_url, WAIT)
        assert decode("\n".join(lobby.query_one(QrCode).lines)) == join_url
        await until(lambda: "0 phones joined" in screen_text(app), WAIT)

        phones = [await Client.join(app.server.websocket_url) for _ in range(2)]
        await until(lambda: "2 phones joined" in screen_text(app), WAIT)
        await phones[0].close()
        await until(lambda: "1 phone joined" in screen_text(app), WAIT)
        assert app.phones == 1
        await phones[1].close()

        await pilot.press("b")
        assert isinstance(app.screen, BoardScreen)
        await pilot.press("j")
        assert isinstance(app.screen, LobbyScreen)


async def test_at_80_columns_the_phone_count_is_never_cut_the_title_gives_way(
    store: SqliteStore, tmp_path: Path
) -> None:
    title = "Night shift handover retrospective for the whole of the ward"
    app = make_app(start_fixed_session(store, title=title, team="Ward 7 nights"), tmp_path)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await serving(app)
        phones = [await Client.join(app.server.websocket_url) for _ in range(12)]
        await until(lambda: "12 phones joined" in screen_text(app), WAIT)
        await pilot.press("b")
        await until(lambda: screen_text(app).splitlines()[0].rstrip().endswith("  12 phones joined"), WAIT)
        masthead = screen_text(app).splitlines()[0]
        assert masthead.startswith(" Night shift handover") and "…" in masthead
        await phones.pop().close()
        await until(lambda: screen_text(app).splitlines()[0].rstrip().endswith("  11 phones joined"), WAIT)
        for phone in phones:
            await phone.close()
        await until(lambda: screen_text(app).splitlines()[0].rstrip().endswith("  0 phones joined"), WAIT)


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
    async with app.run_test(size=SIZE, notifications=True) as pilot:
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
        await until(lambda: len(app.session.state.review_outcomes) == 3)
        await pilot.pause()
        assert [row[4] for row in rows_of(table)] == ["✓ done", "↻ carried over", "✗ dropped"]
        assert "3 reviewed" in screen_text(app)

        await pilot.press("up", "up", "c")
        await until(lambda: rows_of(table)[0][4] == "↻ carried over")


async def test_a_retro_without_earlier_actions_says_so(store: SqliteStore, tmp_path: Path) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
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
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        await pilot.press("b", "n")
        await until(lambda: app.session.state.phase is Phase.CHECK_IN)
        await pilot.pause()
        board = board_of(app)
        card = board.query_one("#question-motivation", QuestionCard)
        sparkline = board.query_one("#trend-sparkline", Sparkline)
        assert sparkline.data == [6.0], "a retro where only two answered is left out of the trend"
        assert "6.0" in screen_text(app)
        assert "one bar per retro, oldest first · 2 retros not drawn: fewer than 3 answered" in screen_text(
            app
        )

        phones = [await Client.join(app.server.websocket_url) for _ in range(3)]
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
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        run(app.session, ChangePhase(to=Phase.CHECK_IN))
        await pilot.press("b")
        await pilot.pause()
        assert "Not enough answers yet to draw the team's trend." in screen_text(app)
        assert not board_of(app).query_one("#trend-sparkline", Sparkline).display


async def test_write_shows_counts_and_phones_written_then_reveals_only_after_confirmation(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    secret_text = "[b]Sam[/b] forgot \x1b[31mthe release[@click=app.quit]"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        run(app.session, ChangePhase(to=Phase.WRITE))
        phones = [await Client.join(app.server.websocket_url) for _ in range(3)]
        await phones[0].add_item(secret_text)
        await phones[0].add_item("Handover at 7 is rushed", prompt_id="hard")
        await phones[1].add_item("A quiet room would help", prompt_id="help")
        await pilot.press("b")
        await until(lambda: "2 of 3 phones have written · 3 items in all" in screen_text(app))
        shown = screen_text(app)
        assert "1 item" in shown
        for text in ("Sam", "release", "Handover at 7", "quiet room"):
            assert text not in shown, "item text must not reach the TUI before the reveal"

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Reveal all items now?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.session.state.phase is Phase.WRITE

        await pilot.press("n", "y")
        await until(lambda: app.session.state.phase is Phase.GROUP)
        await pilot.pause()
        topics = prompts_of(board_of(app).query_one("#group-topics", TopicList))
        assert sorted(prompt.split("  ")[0].removeprefix("[ ] ") for prompt in topics) == [
            "A quiet room would help",
            "Handover at 7 is rushed",
            "[b]Sam[/b] forgot the release[@click=app.quit]",
        ]
        assert "[b]Sam[/b] forgot the release[@click=app.quit]" in screen_text(app)
        assert app.is_running, "markup in an item is shown, never run"
        for phone in phones:
            await phone.close()


async def test_grouping_merges_renames_and_ungroups_topics(store: SqliteStore, tmp_path: Path) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        session = app.session
        run(session, ChangePhase(to=Phase.WRITE))
        write(
            session, ("hard", "Night handovers ran late"), ("hard", "Nobody knew the rota"), ("help", "Tea")
        )
        run(session, ChangePhase(to=Phase.GROUP))
        await pilot.press("b")
        await pilot.pause()
        topics = board_of(app).query_one("#group-topics", TopicList)
        assert len(topics.options) == 3

        await pilot.press("m")
        await until(lambda: "Select two or more topics" in notified(app))
        first, second = topics.topic_ids[:2]
        await pilot.press("space", "down", "space")
        await until(lambda: "2 selected" in screen_text(app))
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        await pilot.press(*"Handovers", "enter")
        await until(lambda: len(topics.options) == 2)
        merged = next(t for t in session.state.topics.values() if t.title == "Handovers")
        assert set(merged.item_ids) == {first, second}
        grouped = next(prompt for prompt in prompts_of(topics) if "Handovers" in prompt)
        lines = grouped.splitlines()
        assert lines[0] == "[ ] Handovers  (2 items)"
        assert all(line.startswith("      · ") for line in lines[1:]) and len(lines) == 3

        topics.highlight_topic(merged.topic_id)
        await pilot.press("r")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.value == "Handovers"
        field.value = "Shift handovers"
        await pilot.press("enter")
        await until(lambda: any("Shift handovers  (2 items)" in p for p in prompts_of(topics)))

        await pilot.press("u")
        await until(lambda: len(topics.options) == 3)
        assert not any(topic.title for topic in session.state.topics.values())


def arranged(session: Session) -> list[str]:
    """Three topics in a known order: merge them all in that order, then ungroup."""
    ids = write(
        session, ("hard", "Handovers run late"), ("learning", "Checklists help"), ("help", "A quiet room")
    )
    run(session, ChangePhase(to=Phase.GROUP), MergeTopics(topic_ids=tuple(ids.values()), title="All"))
    run(session, Ungroup(topic_id=session.state.topic_order[0]))
    return list(ids.values())


async def test_votes_stay_hidden_while_voting_then_discussion_runs_a_timer_with_notes(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    clock = app.session.clock
    assert isinstance(clock, FixedClock)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        session = app.session
        run(session, ChangePhase(to=Phase.WRITE))
        late, checklists, room = arranged(session)
        run(session, ChangePhase(to=Phase.VOTE))
        phones = [await Client.join(app.server.websocket_url) for _ in range(3)]
        await pilot.press("b")
        await until(lambda: "3 phones joined · 3 dots each" in screen_text(app))
        assert "Voting open — totals hidden until voting closes" in screen_text(app)
        for phone in phones:
            await phone.command(kind="cast_vote", topic_id=checklists)
        await phones[0].command(kind="cast_vote", topic_id=room)
        await pilot.pause()
        assert "●" not in screen_text(app)

        await pilot.press("n")
        await until(lambda: session.state.phase is Phase.DISCUSS)
        await pilot.pause()
        topics = board_of(app).query_one("#discuss-topics", TopicList)
        assert [re.findall(r"● (\d+)", prompt) for prompt in prompts_of(topics)] == [["3"], ["1"], ["0"]]
        assert "Checklists help" in prompts_of(topics)[0]
        countdown = board_of(app).query_one(Countdown)
        assert countdown.text == "--:--"

        await pilot.press("enter")
        await until(lambda: countdown.text == "05:00")
        assert session.state.discussing == checklists
        assert prompts_of(topics)[0].startswith("▶")
        await pilot.press("plus")
        await until(lambda: countdown.text == "07:00")
        clock.now = NOW + timedelta(minutes=6, seconds=30)
        await until(lambda: countdown.text == "00:30")
        assert "left on this topic" in screen_text(app)
        clock.now = NOW + timedelta(minutes=8)
        await until(lambda: "Time's up" in screen_text(app))
        assert countdown.text == "00:00"

        await pilot.press("down", "o")
        await pilot.pause()
        assert isinstance(app.screen, TextPromptScreen)
        assert "Note on: Checklists help" in screen_text(app), "a note goes to the topic being discussed"
        app.screen.query_one(Input).value = "Try it on nights first"
        await pilot.press("enter")
        await until(lambda: "✎ Try it on nights first" in prompts_of(topics)[0])
        assert "✎ Try it on nights first" in text_of(board_of(app).query_one("#discussion-topic", Static))

        await pilot.press("a")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#action-topic", Select).value == room, "the highlighted topic is preselected"
        await pilot.press("escape")
        assert late in session.state.topics
        for phone in phones:
            await phone.close()


async def test_vote_shows_how_many_phones_have_voted_and_nothing_about_who(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        session = app.session
        run(session, ChangePhase(to=Phase.WRITE))
        late, checklists, room = arranged(session)
        run(session, ChangePhase(to=Phase.VOTE))
        phones = [await Client.join(app.server.websocket_url) for _ in range(3)]
        await pilot.press("b")
        await until(lambda: "0 of 3 phones have voted" in screen_text(app), WAIT)

        await phones[0].command(kind="cast_vote", topic_id=checklists)
        await until(lambda: "1 of 3 phones have voted" in screen_text(app), WAIT)
        await phones[0].command(kind="cast_vote", topic_id=room)
        await phones[1].command(kind="cast_vote", topic_id=late)
        await until(lambda: "2 of 3 phones have voted" in screen_text(app), WAIT)
        await phones[1].command(kind="retract_vote", topic_id=late)
        await until(lambda: "1 of 3 phones have voted" in screen_text(app), WAIT)
        assert "●" not in screen_text(app), "totals stay hidden"

        await phones[2].close()
        await until(lambda: "1 of 2 phones have voted" in screen_text(app), WAIT)
        await phones[0].close()
        await until(lambda: "0 of 1 phone has voted" in screen_text(app), WAIT)
        await phones[1].close()


async def test_an_action_recorded_in_discuss_is_confirmed_and_listed_with_its_topic(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        session = app.session
        run(session, ChangePhase(to=Phase.WRITE))
        arranged(session)
        run(session, ChangePhase(to=Phase.VOTE), ChangePhase(to=Phase.DISCUSS))
        phone = await Client.join(app.server.websocket_url)
        await pilot.press("b")
        await pilot.press("enter")
        current = board_of(app).query_one("#discussion-topic", Static)
        await until(lambda: "Actions for this topic: 0" in text_of(current), WAIT)
        topics = board_of(app).query_one("#discuss-topics", TopicList)
        topic_id = topics.topic_ids[0]

        await pilot.press("a")
        await until(lambda: isinstance(app.screen, ActionFormScreen), WAIT)
        await fill_action_form(app, "Pair on the night handover", "Priya", "fri")
        await pilot.click("#save")
        await until(lambda: "Action saved" in titles_notified(app), WAIT)
        assert isinstance(app.screen, BoardScreen)
        assert "Pair on the night handover — Priya, due Fri 4 Dec 2026 · for “" in notified(app)
        assert [action.text for action in session.state.actions.values()] == ["Pair on the night handover"]
        assert next(iter(session.state.actions.values())).topic_id == topic_id
        await until(lambda: "Actions for this topic: 1" in text_of(current), WAIT)
        assert "→ Pair on the night handover · Priya" in text_of(current)
        assert "→ Pair on the night handover · Priya" in prompts_of(topics)[0]
        assert "Actions for this topic: 1" in screen_text(app)
        board = await phone.wait_for("board")
        while not board["board"]["actions"]:
            board = await phone.wait_for("board")
        assert board["board"]["actions"][0]["text"] == "Pair on the night handover"
        await phone.close()


def titles_notified(app: RetroApp) -> list[str]:
    return [notification.title for notification in app._notifications]


async def fill_action_form(app: RetroApp, text: str, owner: str, due: str) -> None:
    form = app.screen
    assert isinstance(form, ActionFormScreen)
    form.query_one("#action-text", Input).value = text
    form.query_one("#action-owner", Input).value = owner
    form.query_one("#action-due", Input).value = due


async def test_actions_are_recorded_with_everyday_due_dates_edited_and_deleted(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        session = app.session
        run(session, ChangePhase(to=Phase.WRITE))
        _, checklists, _ = arranged(session)
        run(session, ChangePhase(to=Phase.ACTIONS))
        phone = await Client.join(app.server.websocket_url)
        await pilot.press("b")
        await pilot.pause()
        assert "No actions yet. Press a to record one." in screen_text(app)

        await pilot.press("a")
        await pilot.pause()
        await fill_action_form(app, "Pair on the handover checklist", "Sam", "fri")
        await until(lambda: "→ Fri 4 Dec 2026" in screen_text(app))
        due = app.screen.query_one("#action-due", Input)
        due.value = "next blursday"
        await until(lambda: "not a date I know yet" in screen_text(app))
        due.focus()
        await pilot.press("enter")
        await until(lambda: "'next blursday' is not a date I know" in screen_text(app))
        assert isinstance(app.screen, ActionFormScreen)
        assert app.screen.query_one("#action-text", Input).value == "Pair on the handover checklist"
        assert app.screen.query_one("#action-owner", Input).value == "Sam"
        due.value = "in 2 weeks"
        await until(lambda: "→ Fri 11 Dec 2026" in screen_text(app))
        await pilot.click("#save")
        await until(lambda: len(session.state.actions) == 1)
        await pilot.pause()
        table = board_of(app).query_one("#actions-table", DataTable)
        assert rows_of(table) == [["1", "Pair on the handover checklist", "Sam", "Fri 11 Dec 2026", "—"]]
        shown = await phone.wait_for("board")
        while not shown["board"]["actions"]:
            shown = await phone.wait_for("board")
        assert shown["board"]["actions"][0]["due"] == "2026-12-11"

        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, ActionFormScreen)
        assert form.query_one("#action-due", Input).value == "2026-12-11"
        form.query_one("#action-owner", Input).value = "Priya"
        form.query_one("#action-topic", Select).value = checklists
        await pilot.click("#save")
        await until(lambda: rows_of(table)[0][2] == "Priya")
        assert rows_of(table)[0][4] == "Checklists help"

        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "Delete this action?" in screen_text(app)
        await pilot.press("n")
        assert len(session.state.actions) == 1
        await pilot.press("delete", "y")
        await until(lambda: not session.state.actions)
        await until(lambda: "No actions yet." in screen_text(app))
        await phone.close()


async def test_close_summarises_respects_the_roti_threshold_and_ending_asks_first(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        session = app.session
        run(session, ChangePhase(to=Phase.WRITE))
        arranged(session)
        run(
            session,
            ChangePhase(to=Phase.ACTIONS),
            RecordAction(text="Try a handover checklist", owner="Priya", due=date(2026, 12, 4)),
            ChangePhase(to=Phase.CLOSE),
        )
        phones = [await Client.join(app.server.websocket_url) for _ in range(3)]
        await pilot.press("b")
        await pilot.pause()
        shown = screen_text(app)
        for expected in (
            "Topics",
            "Handovers run late",
            "Try a handover checklist",
            "Priya · due Fri 4 Dec 2026",
            "How motivated do you feel about work this week?",
            "What have I learned?",
            "0 answered — results appear once 3 have answered",
        ):
            assert expected in shown

        for value in (4, 5):
            await phones.pop().command(kind="answer_roti", value=value)
        await until(lambda: "2 answered — results appear once 3 have answered" in screen_text(app))
        assert "mean" not in screen_text(app)
        await phones.pop().command(kind="answer_roti", value=3)
        await until(lambda: "mean 4.0 of 5 · 3 answers" in screen_text(app))

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "End the retro?" in screen_text(app)
        await pilot.press("escape")
        assert phase_of(session) is Phase.CLOSE
        await pilot.press("n", "y")
        await until(lambda: session.state.phase is Phase.ENDED)
        await until(
            lambda: "Press x to export: Markdown, HTML, PDF, CSV, JSON or a calendar." in screen_text(app)
        )
        assert "mean 4.0 of 5 · 3 answers" in screen_text(app), "totals survive the erasure"

        await pilot.press("n")
        assert phase_of(session) is Phase.ENDED
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ExportScreen)
        await pilot.press("enter")
        await until(lambda: app.last_export is not None)
        assert app.last_export is not None and app.last_export.exists()
        assert app.last_export.suffix == ".md"
        status = board_of(app).query_one("#status-line", Static)
        await until(lambda: text_of(status) == f"Exported to {app.last_export}")
        assert "Try a handover checklist" in app.last_export.read_text()


async def test_stepping_back_goes_where_the_phases_allow_and_explains_otherwise(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        session = app.session
        await pilot.press("b", "p")
        await until(lambda: "Review is the first phase." in notified(app))
        await pilot.press("n", "n", "p")
        await until(lambda: session.state.phase is Phase.CHECK_IN)
        run(session, ChangePhase(to=Phase.GROUP))
        await pilot.press("p")
        await until(lambda: "cannot step back to Write: what was shown stays shown" in notified(app))
        assert session.state.phase is Phase.GROUP


async def test_help_lists_every_key(store: SqliteStore, tmp_path: Path) -> None:
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        shown = text_of(app.screen.query_one("#help-keys", Static))
        for key in (
            "ctrl+q",
            "Move the retro to its next phase",
            "Export the outcome: Markdown, HTML, PDF, CSV, JSON, ICS",
            "Merge the selected topics under one name",
            "Add time to the discussion timer",
            "Delete the selected action (asks first)",
            "Drop the selected earlier action",
        ):
            assert key in shown
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_quitting_and_resuming_brings_back_the_same_retro_in_its_phase(
    db_path: Path, tmp_path: Path
) -> None:
    store = SqliteStore(db_path)
    app = make_app(start_fixed_session(store), tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await serving(app)
        run(app.session, ChangePhase(to=Phase.WRITE))
        phone = await Client.join(app.server.websocket_url)
        await phone.add_item("Durable before acknowledged")
        await pilot.press("b", "n", "y", "n")
        await until(lambda: app.session.state.phase is Phase.VOTE)
        await pilot.press("ctrl+q")
    store.close()

    reopened = SqliteStore(db_path)
    record = reopened.latest_open_retro()
    assert record is not None and record.join_token == app.session.record.join_token
    resumed = Session.resume(reopened, record)
    assert resumed.state == app.session.state
    again = make_app(resumed, tmp_path)
    async with again.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("b")
        await pilot.pause()
        assert "5 Vote" in screen_text(again)
        assert "Durable before acknowledged" in screen_text(again)
        assert "Voting open — totals hidden until voting closes" in screen_text(again)
    reopened.close()
