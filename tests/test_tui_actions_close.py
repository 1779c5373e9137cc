"""Actions and Close in the facilitator's TUI, run for real with Pilot and real phones: actions with
everyday due dates, edited and deleted; the closing summary, the ROTI threshold, ending and exporting."""

from datetime import date
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from retro.commands import (
    ChangePhase,
    RecordAction,
)
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    arranged,
    board_of,
    fill_action_form,
    fixed_app,
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
from tui.dialogs.action_form import ActionFormScreen
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.export import ExportScreen


def phase_of(session: Session) -> Phase:
    return session.state.phase


async def test_actions_are_recorded_with_everyday_due_dates_edited_and_deleted(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        _, checklists, _ = arranged(session)
        run(session, ChangePhase(to=Phase.ACTIONS))
        phone = await Client.join(server_of(app).websocket_url)
        await seen(app)
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
        table = board_of(app).query_one("#actions-table", DataTable)
        recorded = [["1", "Pair on the handover checklist", "Sam", "Fri 11 Dec 2026", "—"]]
        await until(lambda: rows_of(table) == recorded)
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
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        arranged(session)
        run(
            session,
            ChangePhase(to=Phase.ACTIONS),
            RecordAction(text="Try a handover checklist", owner="Priya", due=date(2026, 12, 4)),
            ChangePhase(to=Phase.CLOSE),
        )
        phones = [await Client.join(server_of(app).websocket_url) for _ in range(3)]
        await seen(app)
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
        await until(lambda: isinstance(app.screen, ExportScreen))
        await pilot.press("enter")
        await until(lambda: app.last_export is not None)
        assert app.last_export is not None and app.last_export.exists()
        assert app.last_export.suffix == ".md"
        status = board_of(app).query_one("#status-line", Static)
        await until(lambda: text_of(status) == f"Exported to {app.last_export}")
        assert "Try a handover checklist" in app.last_export.read_text()
