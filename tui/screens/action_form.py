"""The form for an owned action: text, owner, due date. Bad input is explained and nothing typed is lost."""

from datetime import date

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from retro.commands import RecordAction


class ActionFormScreen(ModalScreen[RecordAction | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel-action")]

    def compose(self) -> ComposeResult:
        with Vertical(id="action-form"):
            yield Static("Record an action", id="action-form-title")
            yield Label("What will be done?")
            yield Input(
                placeholder="e.g. Pair on the next release checklist", id="action-text", max_length=200
            )
            yield Label("Who owns it?")
            yield Input(placeholder="A named person", id="action-owner", max_length=60)
            yield Label("Due (YYYY-MM-DD)")
            yield Input(placeholder="2026-12-04", id="action-due", max_length=10)
            yield Static(id="action-error")
            with Horizontal(id="action-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#action-text, #action-owner")
    def next_field(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#action-due")
    @on(Button.Pressed, "#save")
    def save(self) -> None:
        due_text = self.query_one("#action-due", Input).value.strip()
        try:
            due = date.fromisoformat(due_text)
        except ValueError:
            self.show_error(f"Due date {due_text!r} is not a date like 2026-12-04.")
            return
        try:
            command = RecordAction(
                text=self.query_one("#action-text", Input).value,
                owner=self.query_one("#action-owner", Input).value,
                due=due,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            field = {"text": "Action", "owner": "Owner"}.get(str(first["loc"][0]), str(first["loc"][0]))
            self.show_error(f"{field}: {first['msg']}.")
            return
        self.dismiss(command)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        self.query_one("#action-error", Static).update(Text(message))
