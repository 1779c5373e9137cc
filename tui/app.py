"""The facilitator's app: it hosts the server in its own loop and drives the retro from the keyboard."""

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import App

from retro.actors import Facilitator
from retro.commands import ChangePhase, Command, RecordAction
from retro.errors import RuleViolation
from retro.events import Event
from retro.exports.markdown import write_markdown
from retro.phases import next_phase
from retro.session import Session
from retro.views import FacilitatorView, facilitator_view
from server.app import RetroServer, ServerConfig
from tui.keymap import APP_BINDINGS
from tui.messages import PhonesChanged, RetroChanged
from tui.screens.action_form import ActionFormScreen
from tui.screens.board import BoardScreen
from tui.screens.help import HelpScreen
from tui.screens.lobby import LobbyScreen


class RetroApp(App[None]):
    TITLE = "retro"
    CSS_PATH = ["styles/global.tcss", "styles/app.tcss"]
    BINDINGS = [*APP_BINDINGS]

    def __init__(self, session: Session, server_config: ServerConfig, export_dir: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.server = RetroServer(session, server_config)
        self.export_dir = export_dir or Path.cwd()
        self.phones = 0
        self.last_export: Path | None = None
        self._lobby = LobbyScreen("", self.view, 0)
        self._board = BoardScreen(self.view, 0)

    @property
    def view(self) -> FacilitatorView:
        return facilitator_view(self.session.state)

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
        self._lobby.show_join_url(self.server.join_url)

    async def on_unmount(self) -> None:
        await self.server.stop()

    def _on_presence(self, phones: int) -> None:
        self.post_message(PhonesChanged(phones))

    def _on_events(self, events: list[Event]) -> None:
        self.post_message(RetroChanged())

    @on(RetroChanged)
    def refresh_views(self) -> None:
        self._board.show(self.view, self.phones)

    @on(PhonesChanged)
    def show_phones(self, message: PhonesChanged) -> None:
        self.phones = message.phones
        self._lobby.show_phones(message.phones)
        self._board.show(self.view, self.phones)

    def execute(self, command: Command) -> bool:
        """Run a facilitator command through the one command path; say why if a rule refuses it."""
        try:
            self.session.execute(Facilitator(), command)
        except RuleViolation as violation:
            self.notify(violation.message, title="Not now", severity="warning")
            return False
        return True

    def action_show_lobby(self) -> None:
        self.switch_screen("lobby")

    def action_show_board(self) -> None:
        self.switch_screen("board")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_next_phase(self) -> None:
        target = next_phase(self.session.state.phase)
        if target is None:
            self.notify("The retro is closed.", severity="warning")
            return
        if self.execute(ChangePhase(to=target)):
            self.switch_screen("board")
            self.notify(f"Now: {target.label}")

    def action_record_action(self) -> None:
        def recorded(command: RecordAction | None) -> None:
            if command is not None and self.execute(command):
                self.notify(Text(f"Recorded: {command.text}").markup, title="Action")

        self.push_screen(ActionFormScreen(), recorded)

    def action_export_markdown(self) -> None:
        try:
            path = write_markdown(self.session.state, self.export_dir)
        except OSError as exc:
            self.notify(f"Could not write the export: {exc.strerror}", severity="error")
            return
        self.last_export = path
        self._board.show_status(f"Exported to {path}")
        self.notify(Text(str(path)).markup, title="Markdown written")
