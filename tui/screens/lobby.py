"""The lobby: the QR code, the join URL as text, the team, how many phones have joined, and whether
joining is open.

The URL and the phone count always show. The code shows in the most robust size the window holds,
above the URL or beside the words; when none fits, the lobby says what window size would.
"""

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.widgets._toast import ToastRack

from retro.phases import Phase
from retro.views import BoardView
from tui.board_data import BoardData
from tui.keymap import ROOM_BINDINGS
from tui.lobby_arrangement import Arrangement, LobbyText, Plan, plan
from tui.phase_moves import forward_target
from tui.plain_emoji import plain_emoji
from tui.widgets.link_banner import LinkBanner
from tui.widgets.qr import QrCode
from tui.wording import phones_joined

LEAD = "Scan to join — anonymous, no app, no account"
TYPE_TO_JOIN = "Type this address in a phone's browser to join — anonymous, no app, no account."
LOCKED_NOTE = "New phones are refused; phones already in stay in. Press L to open joining again."


def phones_label(phones: int) -> str:
    return phones_joined(phones)


def lobby_heading(board: BoardView) -> Text:
    text = Text()
    text.append(plain_emoji(board.title), style="bold")
    if board.team:
        text.append(" · ", style="dim")
        text.append(plain_emoji(board.team))
    return text


def lobby_hint(phase: Phase) -> str:
    """What `b` and `n` do from here. After --resume the retro may be well under way, and `n` then
    moves it on rather than starting it."""
    following = forward_target(phase)
    if following is None:
        return "The retro has ended. Press b for the board, x to export."
    if phase is Phase.REVIEW:
        return f"Now: Review. Press b for the board, n to move on to {following.label} when everyone is in."
    return f"Now: {phase.label}. Press b to go back to the board; n moves the retro on to {following.label}."


def too_small(needed: tuple[int, int] | None) -> str:
    size = f": it needs {needed[0]}×{needed[1]}" if needed else ""
    return f"This window is too small for the QR code{size}. {TYPE_TO_JOIN}"


class LobbyScreen(Screen[None]):
    BINDINGS = [*ROOM_BINDINGS]

    def __init__(self, board: BoardView) -> None:
        """`board` is the board when the app starts; from mount on, the lobby follows the app's."""
        super().__init__(id="lobby")
        self._join_url = ""
        self._board = board
        self.plan = Plan(Arrangement.NO_CODE)
        """How the lobby is arranged now."""
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
            yield Static(LOCKED_NOTE, id="lobby-lock-note")
            with Center(id="lobby-code"):
                yield QrCode(self._join_url, id="qr")
            yield Static(Text(self._join_url), id="join-url")
            yield Static(phones_label(0), id="phones")
            yield Static(id="lobby-phase", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.watch(self.app, "board_data", self._show_board)
        self.watch(self.app, "join_url", self._show_join_url)

    def on_resize(self, event: events.Resize) -> None:
        self._arrange()

    def _show_join_url(self, join_url: str) -> None:
        self._join_url = join_url
        self.query_one(QrCode).data = join_url
        self.query_one("#join-url", Static).update(Text(join_url))
        self._arrange()

    def _show_board(self, data: BoardData | None) -> None:
        if data is None:
            return
        board = self._board = data.board
        self.query_one("#lobby-title", Static).update(lobby_heading(board))
        self.query_one("#lobby-lock").display = board.joining_locked
        self.query_one("#lobby-lock-note").display = board.joining_locked
        self.query_one("#phones", Static).update(phones_label(data.phones))
        self.query_one("#lobby-phase", Static).update(lobby_hint(board.phase))
        self._arrange()

    def _arrange(self) -> None:
        """Choose the arrangement and the code's size for the window as it is now."""
        window = self.app.size
        qr = self.query_one(QrCode)
        words = LobbyText(
            lead=LEAD,
            lock_note=LOCKED_NOTE if self._board.joining_locked else None,
            url=self._join_url,
            hint=lobby_hint(self._board.phase),
        )
        if (window, words) == self._arranged_for:
            return  # Phones come and go far more often than any of this changes.
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
