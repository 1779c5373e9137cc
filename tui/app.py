"""The facilitator's app: drives one retro from the keyboard, as a client of the server's facilitator side.

`RetroApp(EmbeddedHost(session, config))` hosts the retro in this process (`retro host`);
`RetroApp(RemoteHost(url, token, ask))` runs it on a `retro serve` elsewhere. Both link the same way.

The lobby comes first: the board, its panels, the dialogs and the exports load once the QR code is on
screen, or when a key first needs them, so that phones can join as soon as possible. A host that knows its
join link ahead (`retro host` starting a new retro) has it on screen before the app loads the protocol, the
domain's models or the host itself: this module and what it imports at the top stay that light.
"""

import asyncio
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.reactive import var
from textual.screen import Screen

from retro.phases import Phase
from tui.board_data import BoardData
from tui.export_flow import ExportFlow
from tui.host import Host
from tui.keymap import APP_BINDINGS
from tui.messages import ActionFormRequested, RunCommand, ScreeningRequested
from tui.phase_moves import backward_target, confirmation, forward_target
from tui.screens.connecting import ConnectingScreen
from tui.screens.lobby import LobbyScreen

if TYPE_CHECKING:
    from retro.commands import EditAction, RecordAction
    from server.protocol import FacilitatorMessage
    from tui.screens.board import BoardScreen

NAVIGATION = {"show_lobby", "show_board", "next_phase", "previous_phase", "export", "help"}
"""App keys that would pull a screen out from under an open dialog; quiet while one is open."""


class RetroApp(ExportFlow):
    TITLE = "retro"
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = ["global.tcss", "screens/screens.tcss"]
    LATER_CSS = ("panels/panels.tcss", "dialogs/dialogs.tcss")
    """The board's panels and the dialogs: parsed once the lobby shows the first view, so that the
    lobby's first frame waits for none of it. A dialog opened before then is styled as they arrive."""
    BINDINGS = [*APP_BINDINGS]

    def __init__(self, host: Host, export_dir: Path | None = None) -> None:
        super().__init__(host)
        self.export_dir = export_dir or Path.cwd()
        self.last_export: Path | None = None
        self._earlier_trend: tuple[float | None, ...] = ()
        """Earlier retros' check-in means: asked once, since they cannot change during this retro."""
        self._trend_known = asyncio.Event()
        """Set once the earlier check-ins are in (or there are none to ask for): the board waits for it."""
        self._lobby: LobbyScreen | None = None
        self._board: BoardScreen | None = None
        if host.join_url_ahead is not None:
            self.join_url = host.join_url_ahead

    def today(self) -> date:
        return self.now().astimezone().date()

    def gather_board_data(self) -> BoardData:
        assert self.facilitator is not None, "the board follows views from the server"
        board = self.view.board
        trend = None
        if board.team and board.phase is Phase.CHECK_IN:
            trend = (*self._earlier_trend, board.check_in[0].mean)
        return BoardData(
            view=self.view,
            phones=self.facilitator.phones,
            phones_written=self.facilitator.phones_written,
            phones_voted=self.facilitator.phones_voted,
            trend=trend,
            export_path=self.last_export,
        )

    board_data: "var[BoardData | None]" = var(None, always_update=True)
    """What the screens show; each screen follows it from the moment it is mounted."""
    join_url: var[str] = var("")
    """The link the lobby shows: the server's public URL and the retro's join path."""

    def get_default_screen(self) -> Screen[Any]:
        """With the join link known ahead, the lobby is the first screen, so that the first frame has its
        QR code; its words follow with the first view."""
        ahead = self.host.join_url_ahead
        if ahead is None:
            return super().get_default_screen()
        self._lobby = LobbyScreen(None, ahead)
        self.install_screen(self._lobby, "lobby")
        return self._lobby

    def on_mount(self) -> None:
        if self.host.join_url_ahead is None:
            self.push_screen(ConnectingScreen())

    def show_view(self, previous: "FacilitatorMessage | None") -> None:
        assert self.facilitator is not None and self.link is not None and self.link.opened is not None
        self.join_url = self.link.opened.public_url + self.facilitator.join_path
        if previous is None:
            self._open_screens()
        elif previous.join_path != self.facilitator.join_path:
            self.show_new_join_link()
        self.refresh_views()

    def _load_later_css(self) -> None:
        here = Path(__file__).parent
        for name in self.LATER_CSS:
            self.stylesheet.read(here / name)
        self.stylesheet.reparse()
        self.stylesheet.update(self)

    @work(exclusive=True, group="opening", exit_on_error=False)
    async def _open_screens(self) -> None:
        """Once the first view is in: the lobby instead of 'Connecting' (or, shown already, its words), then
        the team's earlier check-ins and the board, which the lobby does not show."""
        from server.asks import Trend, TrendAsk
        from tui.link import Refused

        if self._lobby is None:
            self._lobby = LobbyScreen(self.view.board)
            self.install_screen(self._lobby, "lobby")
            self.refresh_views()
            await self.switch_screen("lobby")
        self._load_later_css()
        if self.view.board.team and self.link is not None:
            try:
                trend = await self.link.ask(TrendAsk())
            except Refused:
                trend = None
            self._earlier_trend = trend.means if isinstance(trend, Trend) else ()
        self._trend_known.set()
        self.refresh_views()
        self.call_after_refresh(self._board_screen)

    def _board_screen(self) -> "BoardScreen":
        """The board, built the first time it is needed."""
        if self._board is None:
            from tui.screens.board import BoardScreen

            self._board = BoardScreen(self.view.board, clock=self.now)
            self.install_screen(self._board, "board")
        return self._board

    def refresh_views(self) -> None:
        if self.facilitator is None or not self.is_running:
            return
        self.board_data = self.gather_board_data()
        self.refresh_bindings()

    def show_new_join_link(self) -> None:
        on_lobby = self.base_screen is self._lobby
        where = "The QR code and URL" if on_lobby else "The lobby's QR code and URL (j)"
        self.notify(
            f"{where} now show the new link. Old links no longer let new phones in.", title="New join link"
        )

    @on(RunCommand)
    def run_command(self, message: RunCommand) -> None:
        self.send(message.command)

    @on(ActionFormRequested)
    def open_action_form(self, message: ActionFormRequested) -> None:
        from tui.dialogs.action_form import ActionFormScreen

        topics = [(topic.topic_id, topic.title) for topic in self.view.board.topics]
        self.push_screen(
            ActionFormScreen(
                topics, self.today(), self.refused, topic_id=message.topic_id, editing=message.editing
            ),
            self._action_saved,
        )

    def _action_saved(self, saved: "RecordAction | EditAction | None") -> None:
        """Said once the action is durable, in every phase: in Discuss the board shows no table of them."""
        from retro.commands import EditAction
        from tui.wording import action_saved

        if saved is not None:
            title = "Action updated" if isinstance(saved, EditAction) else "Action saved"
            self.notify(action_saved(saved, self.view.board), title=title, markup=False)

    @property
    def base_screen(self) -> Screen[object]:
        """The screen under any dialogs: the lobby, the board, or screening over the board."""
        return next(screen for screen in reversed(self.screen_stack) if not screen.is_modal)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self._lobby is None or self.facilitator is None:
            return action == "quit"  # Nothing to drive until the server has sent the retro.
        if action in NAVIGATION and self.screen.is_modal:
            return False
        board = self.view.board
        if action in {"lock_joining", "open_joining", "new_join_link"}:
            if board.phase is Phase.ENDED:
                return False
            if action != "new_join_link":
                return board.joining_locked is (action == "open_joining")
        if action == "show_board":
            return self._board is None or self.base_screen is not self._board
        if action == "show_lobby":
            return not isinstance(self.base_screen, LobbyScreen)
        if action in {"next_phase", "previous_phase"}:
            return board.phase is not Phase.ENDED
        return True

    def _show(self, name: str) -> None:
        """Switch to the lobby or the board, closing the screening screen first if it is open. The board
        waits for the earlier check-ins, in a worker, so that the keys stay live meanwhile."""
        self.workers.cancel_group(self, "navigation")  # the latest key wins
        if name == "board" and not self._trend_known.is_set():
            self.run_worker(self._show_board_with_trend(), group="navigation", exit_on_error=False)
        else:
            self._switch_to(name)

    async def _show_board_with_trend(self) -> None:
        await self._trend_known.wait()
        self._switch_to("board")

    def _switch_to(self, name: str) -> None:
        from tui.screens.screening import ScreeningScreen

        if name == "board":
            self._board_screen()
        while isinstance(self.screen, ScreeningScreen):
            self.pop_screen()
        shown = self.get_screen(name)
        if self.screen is shown:
            pass
        elif self.screen_stack[0] is not self._lobby:
            self.switch_screen(name)
        elif shown is self._lobby:  # the lobby is the app's first screen: the board goes over it
            self.pop_screen()
        else:
            self.push_screen(shown)
        self.refresh_bindings()

    def action_show_lobby(self) -> None:
        self._show("lobby")

    def action_show_board(self) -> None:
        self._show("board")

    def action_help(self) -> None:
        from tui.dialogs.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_next_phase(self) -> None:
        target = forward_target(self.view.board.phase)
        if target is None:
            self.notify("The retro has ended; press x to export it.", severity="warning")
            return
        self._move_to(target)

    def action_previous_phase(self) -> None:
        phase = self.view.board.phase
        target = backward_target(phase)
        if target is None:
            self.notify(f"{phase.label} is the first phase.", severity="warning")
            return
        self._move_to(target)

    def _move_to(self, target: Phase) -> None:
        from tui.dialogs.confirm import ConfirmScreen

        question = confirmation(self.view.board, target)
        if question is None:
            self._change_phase(target)
            return

        def answered(sure: bool | None) -> None:
            if sure:
                self._change_phase(target)

        self.push_screen(
            ConfirmScreen(*question, yes="Reveal" if target is not Phase.ENDED else "End"), answered
        )

    def _change_phase(self, target: Phase) -> None:
        from retro.commands import ChangePhase

        def moved() -> None:
            self._show("board")
            self.notify(f"Now: {target.label}")

        self.send(ChangePhase(to=target), then=moved)

    @on(ScreeningRequested)
    def ask_to_screen(self) -> None:
        """Item text comes on screen only once the facilitator says the screen is private."""
        from tui.dialogs.confirm import ConfirmScreen
        from tui.wording import SCREENING_CONFIRM

        def answered(private: bool | None) -> None:
            from tui.screens.screening import ScreeningScreen

            if private:
                self.push_screen(ScreeningScreen())

        self.push_screen(ConfirmScreen(*SCREENING_CONFIRM, yes="Show items"), answered)

    def action_open_joining(self) -> None:
        from retro.commands import LockJoining

        def opened() -> None:
            self.notify("New phones can join again.", title="Joining open")

        self.send(LockJoining(locked=False), then=opened)

    def action_lock_joining(self) -> None:
        from retro.commands import LockJoining
        from tui.dialogs.confirm import ConfirmScreen
        from tui.wording import LOCK_CONFIRM

        def locked() -> None:
            self.notify("New phones are refused; phones already in stay in.", title="Joining locked")

        def answered(sure: bool | None) -> None:
            if sure:
                self.send(LockJoining(locked=True), then=locked)

        self.push_screen(ConfirmScreen(*LOCK_CONFIRM, yes="Lock"), answered)

    def action_new_join_link(self) -> None:
        from retro.commands import RotateJoinToken
        from tui.dialogs.confirm import ConfirmScreen
        from tui.wording import NEW_LINK_CONFIRM

        def answered(sure: bool | None) -> None:
            if sure:
                self.send(RotateJoinToken())

        self.push_screen(ConfirmScreen(*NEW_LINK_CONFIRM, yes="New link"), answered)
