"""Rows holding emoji with skin tones or joiners keep their width in every terminal.

Rich measures 👍🏽 as two cells; tmux and most Linux terminals draw it as four (the modifier gets its own
two). Each screen line is measured here as such a terminal would, one code point at a time by its
East Asian Width, and must come out exactly as wide as the screen: then the borders after it line up.
"""

import unicodedata
from datetime import date
from pathlib import Path

from rich.cells import cell_len

from retro.commands import AddNote, ChangePhase, MergeTopics, RecordAction, StartDiscussion
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from tests.support.pilot import make_app, run, screen_text, served, session_of, write
from tests.support.sessions import start_fixed_session
from tests.support.waiting import until
from tui.plain_emoji import plain_emoji

THUMBS = "👍🏽 handover went well"
NURSE = "👩🏾‍⚕️ nurse-led rounds help"
FAMILY = "👨‍👩‍👧 families on the ward"
HEART = "❤️ the new rota"
SIZE = (80, 30)


def terminal_cells(line: str) -> int:
    """The width a terminal that knows nothing of emoji sequences gives a line (wcwidth's rule)."""
    cells = 0
    for character in line:
        if unicodedata.category(character) in {"Mn", "Me", "Cf"}:
            continue
        cells += 2 if unicodedata.east_asian_width(character) in {"W", "F"} else 1
    return cells


def test_skin_tones_joiners_and_emoji_style_selectors_are_dropped_for_the_terminal() -> None:
    assert plain_emoji("👍🏽 yes") == "👍 yes"
    assert plain_emoji("👩🏾‍⚕️") == "👩⚕"
    assert plain_emoji("👨‍👩‍👧") == "👨👩👧"
    assert plain_emoji("❤️") == "❤"
    assert plain_emoji("🏴󠁧󠁢󠁳󠁣󠁴󠁿 Scotland") == "🏴 Scotland"
    assert plain_emoji("plain text, [b]markup[/b] too") == "plain text, [b]markup[/b] too"


def test_a_joiner_inside_a_word_stays() -> None:
    malayalam = "അവന്\u200d"
    assert plain_emoji(malayalam) == malayalam


def test_every_emoji_keeps_a_width_rich_and_a_plain_terminal_agree_on() -> None:
    for text in (THUMBS, NURSE, FAMILY, HEART, "🙌🏿🙏🏻👋🏼", "🧑🏽‍💻 on call"):
        shown = plain_emoji(text)
        assert cell_len(shown) == terminal_cells(shown), shown


def misaligned(app_text: str, width: int) -> list[str]:
    return [line for line in app_text.splitlines() if terminal_cells(line) != width]


async def test_rows_with_such_emoji_are_as_wide_as_every_other_row(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = make_app(start_fixed_session(store, title="Sprint 👍🏽", team="Ward 7 👩🏾‍⚕️"), tmp_path)
    async with served(app, SIZE) as pilot:
        session = session_of(app)
        run(session, ChangePhase(to=Phase.WRITE))
        ids = write(session, ("hard", THUMBS), ("learning", NURSE), ("help", FAMILY), ("help", HEART))
        run(session, ChangePhase(to=Phase.GROUP))
        await pilot.press("b")
        await until(lambda: "handover went well" in screen_text(app))
        assert "👍 handover went well" in screen_text(app)
        assert misaligned(screen_text(app), SIZE[0]) == []

        run(session, MergeTopics(topic_ids=(ids[FAMILY], ids[HEART]), title="Care 💪🏾"))
        run(session, ChangePhase(to=Phase.VOTE), ChangePhase(to=Phase.DISCUSS))
        topic_id = session.state.topic_order[0]
        run(
            session,
            StartDiscussion(topic_id=topic_id),
            AddNote(topic_id=topic_id, text="Ask 👩🏽‍🔬 research"),
            RecordAction(
                text="Thank 🙏🏻 the team", owner="Sam 👋🏼", due=date(2026, 12, 4), topic_id=topic_id
            ),
        )
        await until(lambda: "Thank 🙏 the team" in screen_text(app))
        assert misaligned(screen_text(app), SIZE[0]) == []

        run(session, ChangePhase(to=Phase.ACTIONS))
        await until(lambda: "Sam 👋" in screen_text(app))
        assert misaligned(screen_text(app), SIZE[0]) == []
