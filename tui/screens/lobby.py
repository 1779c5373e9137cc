"""The lobby: the QR code, the join URL as text, the team, how many phones have joined, and whether
joining is open. The code's size and place are the join screen's (tui.screens.join).

`retro host` shows the lobby before the retro has loaded, with its QR code and URL alone: the words follow
with the first board. So the lobby loads no more than that takes; the board's models load after.
"""

from typing import TYPE_CHECKING

from rich.text import Text

from retro.phases import Phase
from tui.keymap import ROOM_BINDINGS
from tui.phase_moves import forward_target
from tui.plain_emoji import plain_emoji
from tui.screens.join import JoinScreen

if TYPE_CHECKING:
    from retro.views import BoardView
    from tui.board_data import BoardData

JOINING_LOCKED_NOTE = "New phones are refused; phones already in stay in. Press L to open joining again."


def phones_label(phones: int) -> str:
    from tui.wording import phones_joined

    return phones_joined(phones)


def lobby_heading(board: "BoardView") -> Text:
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


class LobbyScreen(JoinScreen):
    BINDINGS = [*ROOM_BINDINGS]
    LOCKED_NOTE = JOINING_LOCKED_NOTE

    def __init__(self, board: "BoardView | None", join_url: str = "") -> None:
        """`board` is the board when the app starts, or None when the lobby shows before it, with the
        `join_url` known ahead; from mount on, the lobby follows the app's."""
        super().__init__(id="lobby", join_url=join_url)
        self._board = board

    def on_mount(self) -> None:
        super().on_mount()
        if self._board is not None:
            self.show_words(lobby_heading(self._board), phones_label(0), lobby_hint(self._board.phase))
        self.watch(self.app, "board_data", self._show_board)
        self.watch(self.app, "join_url", self.show_join_url)

    def _show_board(self, data: "BoardData | None") -> None:
        if data is None:
            return
        board = self._board = data.board
        self.show_locked(board.joining_locked)
        self.show_words(lobby_heading(board), phones_label(data.phones), lobby_hint(board.phase))
