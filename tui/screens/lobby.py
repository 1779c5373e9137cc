"""The lobby: the QR code, the join URL as text, the team, how many phones have joined, and whether
joining is open. The code's size and place are the join screen's (tui.screens.join)."""

from rich.text import Text

from retro.phases import Phase
from retro.views import BoardView
from tui.board_data import BoardData
from tui.keymap import ROOM_BINDINGS
from tui.phase_moves import forward_target
from tui.plain_emoji import plain_emoji
from tui.screens.join import JoinScreen
from tui.wording import phones_joined

JOINING_LOCKED_NOTE = "New phones are refused; phones already in stay in. Press L to open joining again."


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


class LobbyScreen(JoinScreen):
    BINDINGS = [*ROOM_BINDINGS]
    LOCKED_NOTE = JOINING_LOCKED_NOTE

    def __init__(self, board: BoardView) -> None:
        """`board` is the board when the app starts; from mount on, the lobby follows the app's."""
        super().__init__(id="lobby")
        self._board = board

    def on_mount(self) -> None:
        super().on_mount()
        self.show_words(lobby_heading(self._board), phones_label(0), lobby_hint(self._board.phase))
        self.watch(self.app, "board_data", self._show_board)
        self.watch(self.app, "join_url", self.show_join_url)

    def _show_board(self, data: BoardData | None) -> None:
        if data is None:
            return
        board = self._board = data.board
        self.show_locked(board.joining_locked)
        self.show_words(lobby_heading(board), phones_label(data.phones), lobby_hint(board.phase))
