"""The lobby: the QR code, the join URL as text, and how many phones have joined."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from retro.views import FacilitatorView
from tui.widgets.qr import QrCode


class LobbyScreen(Screen[None]):
    def __init__(self, join_url: str, view: FacilitatorView, phones: int) -> None:
        super().__init__(id="lobby")
        self._join_url = join_url
        self._view = view
        self._phones = phones

    def compose(self) -> ComposeResult:
        with Vertical(id="lobby-body"):
            yield Static(Text(self._view.board.title), id="lobby-title")
            yield Static("Scan to join — anonymous, no app, no account", id="lobby-lead")
            with Center():
                yield QrCode(self._join_url, id="qr")
            yield Static(Text(self._join_url), id="join-url")
            yield Static(id="phones")
            yield Static("Press b for the board, n to move on when everyone is in.", id="lobby-next")
        yield Footer()

    def on_mount(self) -> None:
        self.show_phones(self._phones)

    def show_join_url(self, join_url: str) -> None:
        self._join_url = join_url
        self.query_one(QrCode).data = join_url
        self.query_one("#join-url", Static).update(Text(join_url))

    def show_phones(self, phones: int) -> None:
        label = "1 phone joined" if phones == 1 else f"{phones} phones joined"
        self.query_one("#phones", Static).update(label)
