"""The TUI against a `retro serve` process, as `retro host --server` runs it: a whole retro with real phones
that survives a `kill -9` of the server and a `--resume` of the TUI, losing nothing; and a phone in a real
browser that joins through the QR code the TUI draws."""

import shutil
from collections.abc import Callable
from pathlib import Path

from playwright.async_api import expect
from textual.pilot import Pilot

from retro.phases import Phase
from server.asks import OpenAsk, ResumeAsk
from tests.support.browser import PHONE_VIEWPORT, chromium
from tests.support.client import Client
from tests.support.phone_page import open_phone, write
from tests.support.pilot import WAIT, fill_action_form, notified, scanned, screen_text, served
from tests.support.remote import RemoteServer, applied, phone_socket, remote_server, stored_events
from tests.support.waiting import until
from tui.app import RetroApp
from tui.dialogs.action_form import ActionFormScreen
from tui.dialogs.confirm import ConfirmScreen
from tui.hosting import RemoteHost
from tui.widgets.link_banner import RECONNECTING

TITLE = "Sprint 43"
MOTIVATION = (4, 6, 8)
WRITTEN = (
    (("hard", "Handovers run late"), ("learning", "Checklists help")),
    (("hard", "Nights are short-staffed"), ("help", "A quiet room for handovers")),
    (("learning", "Pairing on nights works"), ("help", "Fewer pagers at night")),
)
DOTS = (
    ("Checklists help", "Checklists help", "Handovers run late"),
    ("Checklists help", "Fewer pagers at night", "Handovers run late"),
    ("Checklists help", "Nights are short-staffed", "Fewer pagers at night"),
)
VOTES = {
    "Checklists help": 4,
    "Handovers run late": 2,
    "Fewer pagers at night": 2,
    "Nights are short-staffed": 1,
    "A quiet room for handovers": 0,
    "Pairing on nights works": 0,
}
ROTI = (3, 4, 5)
ACTION = ("Pair on the handover checklist", "Priya", "2031-03-14", "Checklists help")


def remote_app(remote: RemoteServer, ask: OpenAsk | ResumeAsk, tmp_path: Path) -> RetroApp:
    """What `retro host --server URL --token T` runs: with `--resume` the ask is ResumeAsk()."""
    return RetroApp(RemoteHost(remote.base_url, remote.team_token, ask), export_dir=tmp_path / "exports")


def phase_is(app: RetroApp, phase: Phase) -> Callable[[], bool]:
    return lambda: app.facilitator is not None and app.view.board.phase is phase


async def next_phase(app: RetroApp, pilot: Pilot[None], to: Phase, *answer: str) -> None:
    """Press n (and answer its question, if it asks one); until the server has moved the retro."""
    await pilot.press("n")
    if answer:
        await until(lambda: isinstance(app.screen, ConfirmScreen), WAIT)
        await pilot.press(*answer)
    await until(phase_is(app, to), WAIT)
    await until(lambda: f"Now: {to.label}" in notified(app), WAIT)


def moves_to(remote: RemoteServer, retro_id: str, phase: Phase) -> int:
    """How many times the file says the retro moved to `phase`: each command applied shows once."""
    events = stored_events(remote.db, retro_id)
    return sum(1 for event in events if event["type"] == "phase_changed" and event["to"] == phase.value)


async def join(app: RetroApp, secrets: list[str | None]) -> list[Client]:
    """Phones joining by the link the TUI shows (with their own secrets again, after a restart); until the
    TUI counts them."""
    phones = [await Client.join(phone_socket(app.join_url), secret=secret) for secret in secrets]
    await until(lambda: app.facilitator is not None and app.facilitator.phones == len(secrets), WAIT)
    return phones


async def up_to_the_vote(app: RetroApp, pilot: Pilot[None], phones: list[Client]) -> None:
    """Check-in, Write, the reveal and every dot, each through the TUI's keys and the phones."""
    await pilot.press("b")
    await next_phase(app, pilot, Phase.CHECK_IN)
    for phone, value in zip(phones, MOTIVATION, strict=True):
        await phone.command("answer_check_in", question_id="motivation", value=value)
    await until(lambda: app.view.board.check_in[0].answered == 3, WAIT)
    await next_phase(app, pilot, Phase.WRITE)
    for phone, items in zip(phones, WRITTEN, strict=True):
        for prompt_id, text in items:
            await phone.add_item(text, prompt_id)
    await until(lambda: "3 of 3 phones have written · 6 items in all" in screen_text(app), WAIT)
    await next_phase(app, pilot, Phase.GROUP, "y")
    await next_phase(app, pilot, Phase.VOTE)
    topic_ids = {topic.title: topic.topic_id for topic in app.view.board.topics}
    for phone, dots in zip(phones, DOTS, strict=True):
        for title in dots:
            await phone.command("cast_vote", topic_id=topic_ids[title])
    await until(lambda: "3 of 3 phones have voted" in screen_text(app), WAIT)


async def test_the_remote_tui_runs_a_whole_retro_through_a_kill_9_and_a_resume_and_loses_nothing(
    tmp_path: Path,
) -> None:
    async with remote_server(tmp_path / "served.db") as remote:
        app = remote_app(remote, OpenAsk(title=TITLE), tmp_path)
        async with served(app) as pilot:
            assert app.link is not None and app.link.opened is not None
            link, retro_id = app.link, app.link.opened.retro_id
            phones = await join(app, [None, None, None])
            await up_to_the_vote(app, pilot, phones)

            await remote.kill()
            for lost in phones:
                await lost.close()
            await until(lambda: RECONNECTING in screen_text(app), WAIT)
            await pilot.press("n")
            await until(lambda: len(link.unanswered) == 1, WAIT)
            [message_id] = link.unanswered
            assert RECONNECTING in screen_text(app)
            assert app.view.board.phase is Phase.VOTE
            assert moves_to(remote, retro_id, Phase.DISCUSS) == 0, "nothing reaches a server that is down"

            await remote.restart()
            await until(lambda: RECONNECTING not in screen_text(app), WAIT)
            await until(phase_is(app, Phase.DISCUSS), WAIT)
            await until(lambda: "Now: Discuss" in notified(app), WAIT)
            assert link.opened is not None and link.opened.retro_id == retro_id
            await until(lambda: " 6 Discuss " in screen_text(app) and TITLE in screen_text(app), WAIT)
            assert not link.unanswered
            assert applied(remote.db, retro_id, message_id), "sent again with the id it was given"
            assert moves_to(remote, retro_id, Phase.DISCUSS) == 1
            assert notified(app).count("Now: Discuss") == 1
            assert "Not now" not in [notification.title for notification in app._notifications]
            shown = {topic.title: topic.votes for topic in app.view.board.topics}
            assert shown == VOTES, "every dot cast before the kill is counted"

            phones = await join(app, [phone.secret for phone in phones])
            await pilot.press("a")
            await until(lambda: isinstance(app.screen, ActionFormScreen), WAIT)
            await fill_action_form(app, *ACTION[:3])
            await pilot.click("#save")
            await until(lambda: "Action saved" in [n.title for n in app._notifications], WAIT)
            await pilot.press("ctrl+q")
            await until(lambda: not app.is_running, WAIT)

        resumed = remote_app(remote, ResumeAsk(), tmp_path)
        async with served(resumed) as pilot:
            assert resumed.link is not None and resumed.link.opened is not None
            assert (resumed.link.opened.retro_id, resumed.link.opened.resumed) == (retro_id, True)
            await until(lambda: "Now: Discuss." in screen_text(resumed), WAIT)
            await pilot.press("b")
            await until(lambda: " 6 Discuss " in screen_text(resumed), WAIT)
            assert [action.text for action in resumed.view.board.actions] == [ACTION[0]]

            await next_phase(resumed, pilot, Phase.ACTIONS)
            await next_phase(resumed, pilot, Phase.CLOSE)
            for phone, value in zip(phones, ROTI, strict=True):
                await phone.command("answer_roti", value=value)
            await until(lambda: "mean 4.0 of 5 · 3 answers" in screen_text(resumed), WAIT)
            await next_phase(resumed, pilot, Phase.ENDED, "y")
            for phone in phones:
                await phone.close()

        outcome = await remote.outcome(retro_id)
        assert outcome.phase is Phase.ENDED
        assert sorted(outcome.item_texts) == sorted(text for items in WRITTEN for _, text in items)
        assert {topic.title: topic.votes for topic in outcome.topics} == VOTES
        [motivation, _] = outcome.check_in
        assert (motivation.answered, motivation.mean) == (3, 6.0)
        assert [(a.text, a.owner, a.due.isoformat(), a.topic) for a in outcome.actions] == [ACTION]
        assert outcome.roti is not None and (outcome.roti.answered, outcome.roti.mean) == (3, 4.0)
        for phase in (Phase.CHECK_IN, Phase.WRITE, Phase.GROUP, Phase.VOTE, Phase.DISCUSS, Phase.ENDED):
            assert moves_to(remote, retro_id, phase) == 1, phase


async def test_a_browser_phone_joins_through_the_qr_code_on_the_remote_tui_and_its_item_is_counted(
    tmp_path: Path,
) -> None:
    async with remote_server(tmp_path / "served.db") as remote, chromium() as browser:
        app = remote_app(remote, OpenAsk(title=TITLE), tmp_path)
        async with served(app) as pilot:
            await until(lambda: app.join_url in screen_text(app), WAIT)
            code = scanned(app)
            assert code == app.join_url and code.startswith(f"{remote.base_url}/j/")

            phone = await open_phone(browser, code)
            assert phone.page.viewport_size == PHONE_VIEWPORT
            await until(lambda: "1 phone joined" in screen_text(app), WAIT)
            await pilot.press("b")
            await next_phase(app, pilot, Phase.CHECK_IN)
            await next_phase(app, pilot, Phase.WRITE)
            await expect(phone.page.get_by_test_id("text-hard")).to_be_visible()
            await write(phone.page, "hard", "The handover sheet is hard to find")
            await until(lambda: "1 of 1 phone has written · 1 item in all" in screen_text(app), WAIT)

            screenshot = tmp_path / "remote_phone.png"
            await phone.page.screenshot(path=screenshot, full_page=True)
            shutil.copyfile(screenshot, "/tmp/remote_phone.png")
            assert phone.problems == []
            assert all(url.startswith(remote.base_url.replace("http://", "ws://")) for url in phone.sockets)
            await phone.context.close()
