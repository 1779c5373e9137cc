"""What every phase panel has: its phase, the board data it shows, and a widget to focus (for some, a
list of topics)."""

from typing import ClassVar

from textual.containers import Vertical
from textual.reactive import var
from textual.widget import Widget

from retro.phases import Phase
from retro.views import BoardView
from tui.board_data import BoardData
from tui.widgets.topic_list import TopicList


class PhasePanel(Vertical):
    """Each panel paints itself in `watch_data`."""

    phase: ClassVar[Phase]
    data: var[BoardData | None] = var(None, init=False, always_update=True)
    """The board as it is now: the board screen hands it over while this phase is on, and each hand-over
    repaints the panel."""

    def __init__(self, board: BoardView) -> None:
        """`board` is the board when the screen is built: the template's prompts and questions."""
        super().__init__(id=panel_id(self.phase), classes="phase-panel")
        self.initial = board
        self.border_title = self.phase.label

    @property
    def focus_target(self) -> Widget | None:
        """The widget whose keys the panel's bindings act on; focused when the panel appears."""
        return None


class TopicListPanel(PhasePanel):
    """A panel whose keys act on its list of topics."""

    topics_id: ClassVar[str]

    @property
    def topics_list(self) -> TopicList:
        return self.query_one(f"#{self.topics_id}", TopicList)

    @property
    def focus_target(self) -> Widget | None:
        return self.topics_list


def panel_id(phase: Phase) -> str:
    return f"panel-{phase.value.replace('_', '-')}"
