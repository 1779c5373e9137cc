"""A screen that lets phones in: the QR code, the link as text, a heading, a count and a hint.

The retro's lobby and the live pulse are both one of these. The link and the count always show. The code
shows in the most robust size the window holds, above the link or beside the words; when none fits, the
screen says what window size would.
"""

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.widgets._toast import ToastRack

from tui.lobby_arrangement import Arrangement, LobbyText, Plan, plan
from tui.widgets.link_banner import LinkBanner
from tui.widgets.qr import QrCode

LEAD = "Scan to join — anonymous, no app, no account"
TYPE_TO_JOIN = "Type this address in a phone's browser to join — anonymous, no app, no account."


def too_small(needed: tuple[int, int] | None) -> str:
    size = f": it needs {needed[0]}×{needed[1]}" if needed else ""
    return f"This window is too small for the QR code{size}. {TYPE_TO_JOIN}"


class JoinScreen(Screen[None]):
    DEFAULT_CLASSES = "join-screen"
    LOCKED_NOTE: str | None = None
    """What a lock badge says, on a screen that can show one."""

    def __init__(self, *, id: str, join_url: str = "") -> None:
        """`join_url`, when known as the screen is made, is drawn in its first frame."""
        super().__init__(id=id)
        self._join_url = join_url
        self._hint = ""
        self._locked = False
        self.plan = Plan(Arrangement.NO_CODE)
        """How the screen is arranged now."""
        self._arranged_for: tuple[object, ...] = ()

    @property
    def join_url(self) -> str:
        """The URL the QR code and the text show; empty until the server listens."""
        return self._join_url

    def compose(self) -> ComposeResult:
        yield LinkBanner()
        with Vertical(id="lobby-body"):
            yield Static(id="lobby-title", markup=False)
            yield Static(LEAD, id="lobby-lead", markup=False)
            with Center(id="lobby-lock"):
                yield Static(" Joining locked ", id="lobby-lock-badge", classes="lock-badge")
            yield Static(self.LOCKED_NOTE or "", id="lobby-lock-note")
            with Center(id="lobby-code"):
                yield QrCode(self._join_url, id="qr")
            yield Static(Text(self._join_url), id="join-url")
            yield Static(id="phones", markup=False)
            yield Static(id="lobby-phase", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.show_locked(False)

    def on_resize(self, event: events.Resize) -> None:
        self._arrange()

    def show_join_url(self, join_url: str) -> None:
        self._join_url = join_url
        code = self.query_one(QrCode)
        if code.data != join_url:
            code.data = join_url
        self.query_one("#join-url", Static).update(Text(join_url))
        self._arrange()

    def show_words(self, heading: Text, count: str, hint: str) -> None:
        self.query_one("#lobby-title", Static).update(heading)
        self.query_one("#phones", Static).update(count)
        self.query_one("#lobby-phase", Static).update(hint)
        self._hint = hint
        self._arrange()

    def show_locked(self, locked: bool) -> None:
        self._locked = locked
        self.query_one("#lobby-lock").display = locked
        self.query_one("#lobby-lock-note").display = locked

    def _arrange(self) -> None:
        """Choose the arrangement and the code's size for the window as it is now."""
        window = self.app.size
        qr = self.query_one(QrCode)
        words = LobbyText(
            lead=LEAD,
            lock_note=self.LOCKED_NOTE if self._locked else None,
            url=self._join_url,
            hint=self._hint,
        )
        if (window, words) == self._arranged_for:
            return  # Counts change far more often than any of this.
        self._arranged_for = (window, words)
        chosen = plan((window.width, window.height), qr.dimensions, words)
        if chosen.size is not None:
            qr.draw_size(chosen.size)
        shown = chosen.arrangement is not Arrangement.NO_CODE
        self.query_one("#lobby-code").display = shown
        lead = LEAD if shown or not self._join_url else too_small(chosen.needed)
        self.query_one("#lobby-lead", Static).update(lead)
        body = self.query_one("#lobby-body")
        body.styles.height = chosen.side_rows or "1fr"
        for toasts in self.query(ToastRack):
            toasts.styles.width = chosen.beside or "50%"
        for arrangement in Arrangement:
            body.set_class(arrangement is chosen.arrangement, f"-{arrangement.value}")
        self.plan = chosen
