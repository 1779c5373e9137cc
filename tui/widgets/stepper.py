"""The phase stepper: the eight phases across the top, the current one highlighted."""

from rich.text import Text
from textual.widgets import Static

from retro.phases import Phase
from retro.views import BoardView


def stepper_text(board: BoardView) -> Text:
    phases = [step.phase for step in board.steps]
    current = phases.index(board.phase) if board.phase in phases else len(phases)
    text = Text()
    for index, step in enumerate(board.steps):
        if index:
            text.append(" › ", style="dim")
        if index == current:
            text.append(f" {index + 1} {step.label} ", style="bold reverse")
        elif index < current:
            text.append(f"✓ {step.label}", style="dim")
        else:
            text.append(f"{index + 1} {step.label}")
    if board.phase is Phase.ENDED:
        text.append(" › ", style="dim")
        text.append(f" {Phase.ENDED.label} ", style="bold reverse")
    return text


class PhaseStepper(Static):
    def show(self, board: BoardView) -> None:
        self.update(stepper_text(board))
