"""The facilitator's app: it hosts the server in its own loop and drives the retro from the keyboard."""

from datetime import date, datetime
from pathlib import Path

from textual import on
from textual.reactive import Initialize, var
from textual.screen import Screen

from retro.actors import Facilitator
from retro.commands import ChangePhase, Command, EditAction, LockJoining, RecordAction, RotateJoinToken
from retro.errors import RuleViolation
from retro.events import Event, JoinTokenRotated
from retro.history import check_in_trend
from retro.phases import Phase
from retro.session import Session
from retro.views import FacilitatorView, facilitator_view
from server.app import RetroServer, ServerConfig
from server.presence import Presence
from tui.board_data import BoardData
from tui.dialogs.action_form import ActionFormScreen
from tui.dialogs.confirm import ConfirmScreen
from tui.dialogs.help import HelpScreen
from tui.export_flow import ExportFlow
from tui.keymap import APP_BINDINGS
from tui.messages import (
    ActionFormRequested,
    JoinLinkChanged,
    PhonesChanged,
    RetroChanged,
    RunCommand,
    ScreeningRequested,
)
from tui.phase_moves import backward_target, confirmation, forward_target
from tui.screens.board import BoardScreen
from tui.screens.lobby import LobbyScreen
from tui.screens.screening import ScreeningScreen
from tui.wording import LOCK_CONFIRM, NEW_LINK_CONFIRM, SCREENING_CONFIRM, action_saved

NAVIGATION = {"show_lobby", "show_board", "next_phase", "previous_phase", "export", "help"}
"""App keys that would pull a screen out from under an open dialog; quiet while one is open."""


class RetroApp(ExportFlow):
    TITLE = "retro"
    ENABLE_COMMAND_PALETTE = False
    CSS_PATH = ["global.tcss", "screens/screens.tcss", "panels/panels.tcss", "dialogs/dialogs.tcss"]
    BINDINGS = [*APP_BINDINGS]

    def __init__(self, session: Session, server_config: ServerConfig, export_dir: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.server = RetroServer(session, server_config)
        self.export_dir = export_dir or Path.cwd()
        self.phones = 0
        self.phones_written = 0
        self.phones_voted = 0
        self.last_export: Path | None = None
        self._earlier_trend: tuple[float | None, ...] | None = None
        """Earlier retros' check-in means: read once, since they cannot change during this retro."""
        self._view: FacilitatorView | None = None
        self._lobby = LobbyScreen(self.view.board)
        self._board = BoardScreen(self.view.board, clock=self.now)

    @property
    def view(self) -> FacilitatorView:
        """The facilitator's view of the retro, computed once per change rather than on every read."""
        if self._view is None:
            self._view = facilitator_view(self.session.state)
        return self._view

    def now(self) -> datetime:
        """The session's clock: the timer here agrees with the phones, and tests can fix it."""
        return self.session.clock()

    def today(self) -> date:
        return self.now().astimezone().date()

    def gather_board_data(self) -> BoardData:
        state = self.session.state
        trend = None
        if state.team and state.phase is Phase.CHECK_IN:
            if self._earlier_trend is None:
                self._earlier_trend = tuple(check_in_trend(self.session.store, state.team, state.retro_id))
            motivation = self.view.board.check_in[0]
            trend = (*self._earlier_trend, motivation.mean)
        return BoardData(
            view=self.view,
            phones=self.phones,
            phones_written=self.phones_written,
            phones_voted=self.phones_voted,
            trend=trend,
            export_path=self.last_export,
        )

    board_data: var[BoardData] = var(Initialize(gather_board_data), always_update=True)
    """What the screens show; each screen follows it from the moment it is mounted."""
    join_url: var[str] = var("")
    """The link the lobby shows; empty until the server listens."""

    def on_mount(self) -> None:
        self.install_screen(self._lobby, "lobby")
        self.install_screen(self._board, "board")
        self.push_screen("lobby")
        self.session.subscribe(self._on_events)
        self.server.hub.on_presence(self._on_presence)

    async def on_ready(self) -> None:
        try:
            await self.server.start()
        except OSError as exc:
            self.exit(
                return_code=1,
                message=f"retro: cannot listen on port {self.server.config.port}: {exc.strerror}",
            )
            return
        self.session.store.remember_port(self.session.record.retro_id, self.server.port)
        self.join_url = self.server.join_url

    async def on_unmount(self) -> None:
        await self.server.stop()

    def _on_presence(self, presence: Presence) -> None:
        self.post_message(PhonesChanged(presence.joined, presence.written, presence.voted))

    def _on_events(self, events: list[Event]) -> None:
        self._view = None  # Dropped as the change happens, so that no read sees a view older than the state.
        self.post_message(RetroChanged())
        if any(isinstance(event, JoinTokenRotated) for event in events):
            self.post_message(JoinLinkChanged())

    @on(RetroChanged)
    def refresh_views(self) -> None:
        if not self.is_running:
            return  # Shutting down: a phone that leaves now has no screen left to update.
        self.board_data = self.gather_board_data()
        self.refresh_bindings()

    @on(JoinLinkChanged)
    def show_new_join_link(self) -> None:
        if not self.join_url:
            return  # Not listening yet: on_ready shows the link as it is then.
        self.join_url = self.server.join_url
        on_lobby = self.base_screen is self._lobby
        where = "The QR code and URL" if on_lobby else "The lobby's QR code and URL (j)"
        self.notify(
            f"{where} now show the new link. Old links no longer let new phones in.", title="New join link"
        )

    @on(PhonesChanged)
    def show_phones(self, message: PhonesChanged) -> None:
        self.phones, self.phones_written = message.phones, message.phones_written
        self.phones_voted = message.phones_voted
        self.refresh_views()

    def refused(self, command: Command) -> str | None:
        """Run a facilitator command through the one command path; the rule's reason if it refuses."""
        try:
            self.session.execute(Facilitator(), command)
        except RuleViolation as violation:
            return violation.message
        return None

    def execute(self, command: Command) -> bool:
        reason = self.refused(command)
        if reason is not None:
            self.notify(reason, title="Not now", severity="warning", markup=False)
        return reason is None

    @on(RunCommand)
    def run_command(self, message: RunCommand) -> None:
        self.execute(message.command)

    @on(ActionFormRequested)
    def open_action_form(self, message: ActionFormRequested) -> None:
        topics = [(topic.topic_id, topic.title) for topic in self.view.board.topics]
        self.push_screen(
            ActionFormScreen(
                topics, self.today(), self.refused, topic_id=message.topic_id, editing=message.editing
            ),
            self._action_saved,
        )

    def _action_saved(self, saved: RecordAction | EditAction | None) -> None:
        """Said once the action is durable, in every phase: in Discuss the board shows no table of them."""
        if saved is not None:
            title = "Action updated" if isinstance(saved, EditAction) else "Action saved"
            self.notify(action_saved(saved, self.view.board), title=title, markup=False)

    @property
    def base_screen(self) -> Screen[object]:
        """The screen under any dialogs: the lobby, the board, or screening over the board."""
        return next(screen for screen in reversed(self.screen_stack) if not screen.is_modal)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in NAVIGATION and self.screen.is_modal:
            return False
        if action in {"lock_joining", "open_joining", "new_join_link"}:
            state = self.session.state
            if state.phase is Phase.ENDED:
                return False
            if action != "new_join_link":
                return state.joining_locked is (action == "open_joining")
        if action == "show_board":
            return not isinstance(self.base_screen, BoardScreen)
        if action == "show_lobby":
            return not isinstance(self.base_screen, LobbyScreen)
        if action in {"next_phase", "previous_phase"}:
            return self.session.state.phase is not Phase.ENDED
        return True

    def _show(self, name: str) -> None:
        """Switch to the lobby or the board, closing the screening screen first if it is open."""
        while isinstance(self.screen, ScreeningScreen):
            self.pop_screen()
        if self.screen is not self.get_screen(name):
            self.switch_screen(name)
        self.refresh_bindings()

    def action_show_lobby(self) -> None:
        self._show("lobby")

    def action_show_board(self) -> None:
        self._show("board")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_next_phase(self) -> None:
        target = forward_target(self.session.state.phase)
        if target is None:
            self.notify("The retro has ended; press x to export it.", severity="warning")
            return
        self._move_to(target)

    def action_previous_phase(self) -> None:
        phase = self.session.state.phase
        target = backward_target(phase)
        if target is None:
            self.notify(f"{phase.label} is the first phase.", severity="warning")
            return
        self._move_to(target)

    def _move_to(self, target: Phase) -> None:
        question = confirmation(self.session.state, target)
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
        if self.execute(ChangePhase(to=target)):
            self._show("board")
            self.notify(f"Now: {target.label}")

    @on(ScreeningRequested)
    def ask_to_screen(self) -> None:
        """Item text comes on screen only once the facilitator says the screen is private."""

        def answered(private: bool | None) -> None:
            if private:
                self.push_screen(ScreeningScreen())

        self.push_screen(ConfirmScreen(*SCREENING_CONFIRM, yes="Show items"), answered)

    def action_open_joining(self) -> None:
        if self.execute(LockJoining(locked=False)):
            self.notify("New phones can join again.", title="Joining open")

    def action_lock_joining(self) -> None:
        def answered(sure: bool | None) -> None:
            if sure and self.execute(LockJoining(locked=True)):
                self.notify("New phones are refused; phones already in stay in.", title="Joining locked")

        self.push_screen(ConfirmScreen(*LOCK_CONFIRM, yes="Lock"), answered)

    def action_new_join_link(self) -> None:
        def answered(sure: bool | None) -> None:
            if sure:
                self.execute(RotateJoinToken())

        self.push_screen(ConfirmScreen(*NEW_LINK_CONFIRM, yes="New link"), answered)
