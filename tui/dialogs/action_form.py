"""The action form: text, owner, due date as people say it, and the topic it belongs to.

The due field echoes the date it resolves to while typing. Bad input is explained in the form and
nothing typed is lost.
"""

from collections.abc import Awaitable, Callable
from datetime import date

from pydantic import ValidationError
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from retro.commands import Command, EditAction, RecordAction
from retro.dates import UnknownDate, parse_due
from retro.text import MAX_ACTION_CHARS, MAX_OWNER_CHARS
from retro.views import ActionView
from tui.keymap import DIALOG_BINDINGS
from tui.plain_emoji import plain_emoji
from tui.wording import long_date

NO_TOPIC = "none"
Runner = Callable[[Command], Awaitable[str | None]]
"""Sends a command; says why it was refused, or None once it is durable."""

_FIELDS = {"text": "Action", "owner": "Owner", "due": "Due", "topic_id": "Topic"}


def due_echo(text: str, today: date) -> Text:
    if not text.strip():
        return Text("")
    try:
        return Text(f"→ {long_date(parse_due(text, today))}", style="bold")
    except UnknownDate:
        return Text("→ not a date I know yet", style="dim italic")


class ActionFormScreen(ModalScreen[RecordAction | EditAction | None]):
    """Dismissed with the command once it is saved (durable), or None when cancelled."""

    BINDINGS = [*DIALOG_BINDINGS]

    def __init__(
        self,
        topics: list[tuple[str, str]],
        today: date,
        run: Runner,
        *,
        topic_id: str | None = None,
        editing: ActionView | None = None,
    ) -> None:
        super().__init__(classes="dialog-screen")
        self._topics = topics
        self._today = today
        self._run = run
        self._topic_id = topic_id if topic_id in {t for t, _ in topics} else None
        self._editing = editing

    def compose(self) -> ComposeResult:
        editing = self._editing
        with Vertical(id="action-form", classes="dialog"):
            yield Static("Edit action" if editing else "Record an action", classes="dialog-title")
            yield from labelled_input(
                "What will be done?",
                "action-text",
                editing.text if editing else "",
                "e.g. Pair on the night handover checklist",
                MAX_ACTION_CHARS,
            )
            yield from labelled_input(
                "Who owns it? (one named person)",
                "action-owner",
                editing.owner if editing else "",
                "A named person",
                MAX_OWNER_CHARS,
            )
            yield from labelled_input(
                "Due",
                "action-due",
                editing.due.isoformat() if editing else "",
                "fri, next week, in 2 weeks, 2026-12-04",
                40,
            )
            yield Static(id="due-echo", markup=False)
            yield Label("Topic")
            yield Select(
                [
                    (Text("none"), NO_TOPIC),
                    *((Text(plain_emoji(title)), topic_id) for topic_id, title in self._topics),
                ],
                value=self._topic_id or NO_TOPIC,
                allow_blank=False,
                id="action-topic",
            )
            yield Static(id="action-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self._echo()

    @on(Input.Changed, "#action-due")
    def _echo(self) -> None:
        due = self.query_one("#action-due", Input).value
        self.query_one("#due-echo", Static).update(due_echo(due, self._today))

    @on(Input.Submitted, "#action-text, #action-owner")
    def next_field(self) -> None:
        self.focus_next()

    @on(Input.Submitted, "#action-due")
    @on(Button.Pressed, "#save")
    async def save(self) -> None:
        try:
            due = parse_due(self.query_one("#action-due", Input).value, self._today)
        except UnknownDate as exc:
            self.show_error(str(exc))
            return
        text = self.query_one("#action-text", Input).value
        owner = self.query_one("#action-owner", Input).value
        topic = self.query_one("#action-topic", Select).value
        topic_id = topic if isinstance(topic, str) and topic != NO_TOPIC else None
        try:
            command: RecordAction | EditAction = (
                EditAction(
                    action_id=self._editing.action_id, text=text, owner=owner, due=due, topic_id=topic_id
                )
                if self._editing
                else RecordAction(text=text, owner=owner, due=due, topic_id=topic_id)
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            self.show_error(f"{_FIELDS.get(str(first['loc'][0]), 'Action')}: {first['msg']}.")
            return
        refused = await self._run(command)
        if refused is not None:
            self.show_error(refused)
            return
        self.dismiss(command)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def show_error(self, message: str) -> None:
        self.query_one("#action-error", Static).update(Text(message))


def labelled_input(label: str, input_id: str, value: str, placeholder: str, max_length: int) -> ComposeResult:
    yield Label(label)
    yield Input(value=value, placeholder=placeholder, id=input_id, max_length=max_length)
