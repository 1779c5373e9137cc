"""The lobby: the QR code, the join URL as text, and how many phones have joined."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from retro.views import FacilitatorView
from tui.widgets.qr import QrCode


def phones_label(phones: int) -> str:
    return "1 phone joined" if phones == 1 else f"{phones} phones joined"


class LobbyScreen(Screen[None]):
    def __init__(self, join_url: str, view: FacilitatorView, phones: int) -> None:
        super().__init__(id="lobby")
        self._join_url = join_url
        self._view = view
        self._phones = phones
        self._ready = False

    def compose(self) -> ComposeResult:
        with Vertical(id="lobby-body"):
            yield Static(Text(self._view.board.title), id="lobby-title")
            yield Static("Scan to join — anonymous, no app, no account", id="lobby-lead")
            with Center():
                yield QrCode(self._join_url, id="qr")
            yield Static(Text(self._join_url), id="join-url")
            yield Static(phones_label(self._phones), id="phones")
            yield Static("Press b for the board, n to move on when everyone is in.", id="lobby-next")
        yield Footer()

    def on_mount(self) -> None:
        self._ready = True

    def show_join_url(self, join_url: str) -> None:
        self._join_url = join_url
        if not self._ready:
            return
        self.query_one(QrCode).data = join_url
        self.query_one("#join-url", Static).update(Text(join_url))

    def show_phones(self, phones: int) -> None:
        self._phones = phones
        if self._ready:
            self.query_one("#phones", Static).update(phones_label(phones))
