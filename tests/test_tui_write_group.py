"""Write and Group in the facilitator's TUI, run for real with Pilot and real phones: counts before the
reveal, never text, a reveal that asks first, and topics merged, renamed and ungrouped from the keyboard."""

from pathlib import Path

from textual.widgets import Input

from retro.commands import ChangePhase
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    board_of,
    fixed_app,
    notified,
    prompts_of,
    run,
    screen_text,
    seen,
    served,
    server_of,
    session_of,
    write,
)
from tests.support.waiting import until
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.text_prompt import TextPromptScreen
from tui.widgets.topic_list import TopicList


async def test_write_shows_counts_and_phones_written_then_reveals_only_after_confirmation(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    secret_text = "[b]Sam[/b] forgot \x1b[31mthe release[@click=app.quit]"
    async with served(app) as pilot:
        run(session_of(app), ChangePhase(to=Phase.WRITE))
        phones = [await Client.join(server_of(app).websocket_url) for _ in range(3)]
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
        assert session_of(app).state.phase is Phase.WRITE

        await pilot.press("n", "y")
        await until(lambda: app.view.board.phase is Phase.GROUP)
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
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        run(session, ChangePhase(to=Phase.WRITE))
        write(
            session, ("hard", "Night handovers ran late"), ("hard", "Nobody knew the rota"), ("help", "Tea")
        )
        run(session, ChangePhase(to=Phase.GROUP))
        await seen(app)
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
