"""Exports from the TUI: every format at any phase, the path shown, the clipboard, and the blame warning."""

from collections.abc import Callable
from pathlib import Path

from icalendar import Calendar
from textual.widgets import OptionList, Static

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.exports.files import default_name
from retro.exports.markdown import render_markdown
from retro.history import hosted_outcome
from retro.nudge import unframed_items
from retro.outcome import OUTCOME_ADAPTER, RetroOutcome
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from server.app import ServerConfig
from tests.support.pilot import served
from tests.support.retro_fixtures import add_item, run_retro
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until
from tui.app import RetroApp
from tui.dialogs.export import ExportScreen
from tui.exporting import COPY_MARKDOWN, EXPORT_CHOICES
from tui.hosting import EmbeddedHost


def current_outcome(session: Session) -> RetroOutcome:
    """The outcome as the team keeps it, read from the store: what every export must hold."""
    return hosted_outcome(session.store, session.record.retro_id, session.state)


def exporting_app(session: Session, tmp_path: Path) -> RetroApp:
    return RetroApp(EmbeddedHost(session, ServerConfig(host="127.0.0.1", port=0)), export_dir=tmp_path)


def wrote(app: RetroApp, name: str) -> Callable[[], bool]:
    return lambda: app.last_export is not None and app.last_export.name == name


async def test_every_format_is_written_from_the_dialog_and_its_path_shown(
    store: SqliteStore, tmp_path: Path
) -> None:
    session = start_fixed_session(store)
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    add_item(session, "Sam forgot the release again", "hard")
    run_retro(session)
    app = exporting_app(session, tmp_path)
    written: dict[str, Path] = {}
    suffixes = {
        choice.key: default_name(current_outcome(session), choice.export_format, choice.what)
        for choice in EXPORT_CHOICES
    }
    async with served(app) as pilot:
        await pilot.press("b")
        for index, choice in enumerate(EXPORT_CHOICES):
            await pilot.press("x")
            await until(lambda: isinstance(app.screen, ExportScreen))
            dialog = app.screen
            assert isinstance(dialog, ExportScreen)
            warning = str(dialog.query_one("#export-warnings", Static).content)
            flagged = unframed_items(current_outcome(session).item_texts)
            assert "Sam forgot the release again" in flagged
            count = "1 item" if len(flagged) == 1 else f"{len(flagged)} items"
            assert f"{count} may still point at a person" in warning
            assert all(text in warning for text in flagged), "each flagged item is listed, as plain text"
            dialog.query_one(OptionList).highlighted = index
            await pilot.press("enter")
            await until(wrote(app, suffixes[choice.key]), timeout=30)
            assert app.last_export is not None
            written[choice.key] = app.last_export
            assert str(app.last_export) in str(app.screen.query_one("#status-line", Static).content)

        await pilot.press("x")
        await until(lambda: isinstance(app.screen, ExportScreen))
        app.screen.query_one(OptionList).highlighted = len(EXPORT_CHOICES)
        await pilot.press("enter")
        await until(lambda: app.clipboard == render_markdown(current_outcome(session)))
        assert app.clipboard.startswith("# Sprint 42")

    day = session.state.created_on.isoformat()
    assert {key: path.name for key, path in written.items()} == {
        "md": f"ward-7-{day}-retro.md",
        "html": f"ward-7-{day}-retro.html",
        "pdf": f"ward-7-{day}-retro.pdf",
        "csv-actions": f"ward-7-{day}-retro-actions.csv",
        "csv-items": f"ward-7-{day}-retro-items.csv",
        "jira": f"ward-7-{day}-retro-jira.csv",
        "ics": f"ward-7-{day}-retro.ics",
        "json": f"ward-7-{day}-retro.json",
    }
    assert written["pdf"].read_bytes().startswith(b"%PDF")
    assert OUTCOME_ADAPTER.validate_json(written["json"].read_bytes()).title == "Sprint 42"
    assert len([c for c in Calendar.from_ical(written["ics"].read_bytes()).walk() if c.name == "VTODO"]) == 2
    assert "Sam forgot the release again" in written["md"].read_text(), "a warning, never a block"
    assert COPY_MARKDOWN not in written


async def test_after_a_keep_outcome_retro_ends_the_dialog_exports_no_participant_words(
    store: SqliteStore, tmp_path: Path
) -> None:
    store.set_retention("Ward 7", "outcome")
    session = start_fixed_session(store)
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    add_item(session, "Handover sheets went missing on nights", "hard")
    run_retro(session, end=True)
    app = exporting_app(session, tmp_path)
    async with served(app) as pilot:
        await pilot.press("b")
        await pilot.press("x")
        await until(lambda: isinstance(app.screen, ExportScreen))
        app.screen.query_one(OptionList).highlighted = 0
        await pilot.press("enter")
        await until(lambda: app.last_export is not None, timeout=30)
    assert app.last_export is not None
    markdown = app.last_export.read_text()
    assert "# Sprint 42" in markdown and "## Actions" in markdown
    assert "Handover sheets went missing" not in markdown
