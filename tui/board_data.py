"""Everything the board shows at one moment, gathered once and handed to the panels."""

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from retro.views import BoardView, FacilitatorView


@dataclass(frozen=True)
class BoardData:
    view: "FacilitatorView"
    phones: int
    """Phones joined now."""
    phones_written: int
    """Of those, how many have written at least one item: a count, never who."""
    phones_voted: int
    """Of those, how many have at least one dot on the board: a count, never who."""
    trend: tuple[float | None, ...] | None
    """The team's motivation mean per retro, oldest first; None when the retro has no team."""
    export_path: Path | None

    @property
    def board(self) -> "BoardView":
        return self.view.board
