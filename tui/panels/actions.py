"""Actions: what the team will do, each with an owner, a due date and the topic it came from."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from retro.commands import DeleteAction
from retro.phases import Phase
from retro.views import ActionView, BoardView
from tui.board_data import BoardData
from tui.dialogs.confirm import ConfirmScreen
from tui.keymap import ACTIONS_BINDINGS
from tui.messages import ActionFormRequested, RunCommand
from tui.panels.base import PhasePanel
from tui.plain_emoji import plain_emoji
from tui.wording import long_date, plural

EMPTY = "No actions yet. Press a to record one."


class ActionsPanel(PhasePanel):
    phase = Phase.ACTIONS
    BINDINGS = [*ACTIONS_BINDINGS]

    def __init__(self, board: BoardView) -> None:
        super().__init__(board)
        self._actions: dict[str, ActionView] = {}

    def compose(self) -> ComposeResult:
        yield Static(EMPTY, id="actions-lead")
        table: DataTable[Text] = DataTable(id="actions-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("#", "Action", "Owner", "Due", "Topic")
        yield table

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#actions-table", DataTable)

    @property
    def focus_target(self) -> Widget | None:
        return self.table

    def watch_data(self, data: BoardData) -> None:
        actions = data.board.actions
        self._actions = {action.action_id: action for action in actions}
        self.query_one("#actions-lead", Static).update(
            f"{plural(len(actions), 'action')} · each needs one owner and a date" if actions else EMPTY
        )
        table = self.table
        keep = self.selected.action_id if self.selected else None
        row = table.cursor_row
        table.clear()
        for number, action in enumerate(actions, start=1):
            table.add_row(
                Text(str(number)),
                Text(plain_emoji(action.text)),
                Text(plain_emoji(action.owner)),
                Text(long_date(action.due)),
                Text(plain_emoji(action.topic_title or "—"), style="" if action.topic_title else "dim"),
                key=action.action_id,
            )
        ids = [action.action_id for action in actions]
        if ids:
            table.move_cursor(row=ids.index(keep) if keep in ids else min(row, len(ids) - 1))

    @property
    def selected(self) -> ActionView | None:
        table = self.table
        if table.row_count == 0:
            return None
        key = table.ordered_rows[table.cursor_row].key.value
        return self._actions.get(key) if key else None

    def action_record_action(self) -> None:
        self.post_message(ActionFormRequested())

    def action_edit_action(self) -> None:
        action = self.selected
        if action is None:
            self.notify(EMPTY)
            return
        self.post_message(ActionFormRequested(topic_id=action.topic_id, editing=action))

    def action_delete_action(self) -> None:
        action = self.selected
        if action is None:
            self.notify(EMPTY)
            return

        def delete(sure: bool | None) -> None:
            if sure:
                self.post_message(RunCommand(DeleteAction(action_id=action.action_id)))

        self.app.push_screen(
            ConfirmScreen("Delete this action?", f"“{action.text}” — {action.owner}", yes="Delete"), delete
        )
