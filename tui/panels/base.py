"""What every phase panel has: its phase, a way to show the board data, and a widget to focus."""

from typing import ClassVar

from textual.containers import Vertical
from textual.widget import Widget

from retro.phases import Phase
from retro.views import BoardView
from tui.board_data import BoardData


class PhasePanel(Vertical):
    phase: ClassVar[Phase]

    def __init__(self, board: BoardView) -> None:
        """`board` is the board when the screen is built: the template's prompts and questions."""
        super().__init__(id=panel_id(self.phase), classes="phase-panel")
        self.initial = board
        self.border_title = self.phase.label

    def show(self, data: BoardData) -> None:
        raise NotImplementedError

    @property
    def focus_target(self) -> Widget | None:
        """The widget whose keys the panel's bindings act on; focused when the panel appears."""
        return None


def panel_id(phase: Phase) -> str:
    return f"panel-{phase.value.replace('_', '-')}"
