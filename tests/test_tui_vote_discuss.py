"""Vote and Discuss in the facilitator's TUI, run for real with Pilot and real phones: totals hidden
while voting, who has voted never shown, the discussion timer, notes, and actions recorded for a topic."""

import re
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Select, Static

from retro.commands import ChangePhase
from retro.phases import Phase
from retro.sqlite_store import SqliteStore
from tests.support.client import Client
from tests.support.pilot import (
    NOW,
    WAIT,
    FixedClock,
    arranged,
    board_of,
    fill_action_form,
    fixed_app,
    notified,
    prompts_of,
    run,
    screen_text,
    seen,
    served,
    server_of,
    session_of,
    text_of,
    titles_notified,
)
from tests.support.waiting import until
from tui.dialogs.action_form import ActionFormScreen
from tui.dialogs.text_prompt import TextPromptScreen
from tui.screens.board import BoardScreen
from tui.widgets.countdown import Countdown
from tui.widgets.topic_list import TopicList


async def test_votes_stay_hidden_while_voting_then_discussion_runs_a_timer_with_notes(
    store: SqliteStore, tmp_path: Path
) -> None:
    app = fixed_app(store, tmp_path)
    clock = session_of(app).clock
    assert isinstance(clock, FixedClock)
    async with served(app) as pilot:
        session = session_of(app)
        late, checklists, room = arranged(session)
        run(session, ChangePhase(to=Phase.VOTE))
        phones = [await Client.join(server_of(app).websocket_url) for _ in range(3)]
        await pilot.press("b")
        await until(lambda: "3 phones joined · 3 dots each" in screen_text(app))
        assert "Voting open — totals hidden until voting closes" in screen_text(app)
        for phone in phones:
            await phone.command(kind="cast_vote", topic_id=checklists)
        await phones[0].command(kind="cast_vote", topic_id=room)
        await pilot.pause()
        assert "●" not in screen_text(app)

        await pilot.press("n")
        await until(lambda: app.view.board.phase is Phase.DISCUSS)
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
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        late, checklists, room = arranged(session)
        run(session, ChangePhase(to=Phase.VOTE))
        phones = [await Client.join(server_of(app).websocket_url) for _ in range(3)]
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
    app = fixed_app(store, tmp_path)
    async with served(app) as pilot:
        session = session_of(app)
        arranged(session)
        run(session, ChangePhase(to=Phase.VOTE), ChangePhase(to=Phase.DISCUSS))
        phone = await Client.join(server_of(app).websocket_url)
        await seen(app)
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
