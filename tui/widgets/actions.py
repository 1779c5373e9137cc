"""The recorded actions: text, owner, due date."""

from rich.text import Text
from textual.widgets import Static

from retro.views import BoardView


def actions_text(board: BoardView) -> Text:
    if not board.actions:
        return Text("No actions yet. Press a to record one.", style="dim")
    text = Text()
    for index, action in enumerate(board.actions, start=1):
        if index > 1:
            text.append("\n")
        text.append(f"{index}. ")
        text.append(action.text, style="bold")
        text.append(f"  — {action.owner}, due {action.due:%a %d %b %Y}", style="dim")
    return text


class ActionsPanel(Static):
    def show(self, board: BoardView) -> None:
        self.update(actions_text(board))
