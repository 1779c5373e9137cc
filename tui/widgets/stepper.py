"""The phase stepper: where the retro is, and what comes next."""

from rich.text import Text
from textual.widgets import Static

from retro.views import BoardView


def stepper_text(board: BoardView) -> Text:
    text = Text()
    current = next(index for index, step in enumerate(board.steps) if step.phase is board.phase)
    for index, step in enumerate(board.steps):
        if index:
            text.append("  ›  ", style="dim")
        if index == current:
            text.append(f" {step.label} ", style="bold reverse")
        elif index < current:
            text.append(f"✓ {step.label}", style="dim")
        else:
            text.append(step.label)
    return text


class PhaseStepper(Static):
    def show(self, board: BoardView) -> None:
        self.update(stepper_text(board))
