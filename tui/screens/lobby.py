"""The lobby: the QR code, the join URL as text, how many phones have joined, and whether joining is open."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from retro.views import BoardView
from tui.keymap import ROOM_BINDINGS
from tui.widgets.qr import QrCode
from tui.wording import phones_joined

LOCKED_NOTE = "New phones are refused; phones already in stay in. Press L to open joining again."


def phones_label(phones: int) -> str:
    return phones_joined(phones)


class LobbyScreen(Screen[None]):
    BINDINGS = [*ROOM_BINDINGS]

    def __init__(self, join_url: str, board: BoardView, phones: int) -> None:
        super().__init__(id="lobby")
        self._join_url = join_url
        self._board = board
        self._phones = phones

    @property
    def join_url(self) -> str:
        """The URL the QR code and the text show; empty until the server listens."""
        return self._join_url

    def compose(self) -> ComposeResult:
        with Vertical(id="lobby-body"):
            yield Static(Text(self._board.title), id="lobby-title")
            yield Static("Scan to join — anonymous, no app, no account", id="lobby-lead")
            with Center(id="lobby-lock"):
                yield Static(" Joining locked ", id="lobby-lock-badge", classes="lock-badge")
            yield Static(LOCKED_NOTE, id="lobby-lock-note")
            with Center():
                yield QrCode(self._join_url, id="qr")
            yield Static(Text(self._join_url), id="join-url")
            yield Static(phones_label(self._phones), id="phones")
            yield Static(id="lobby-phase", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._paint()

    def show_join_url(self, join_url: str) -> None:
        self._join_url = join_url
        if not self.is_mounted:
            return
        self.query_one(QrCode).data = join_url
        self.query_one("#join-url", Static).update(Text(join_url))

    def show(self, board: BoardView, phones: int) -> None:
        self._board, self._phones = board, phones
        if self.is_mounted:
            self._paint()

    def _paint(self) -> None:
        board, phones = self._board, self._phones
        self.query_one("#lobby-lock").display = board.joining_locked
        self.query_one("#lobby-lock-note").display = board.joining_locked
        self.query_one("#phones", Static).update(phones_label(phones))
        self.query_one("#lobby-phase", Static).update(
            f"Now: {board.phase_label}. Press b for the board, n to move on when everyone is in."
        )
