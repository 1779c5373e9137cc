"""Screening before the reveal: every item's text, so the facilitator can hold what could hurt someone.

Opened only after the facilitator confirms the screen is private. It shows the text, the prompt and
whether an item is held: no times, no ids, and the order (by random id) says nothing about when items
came. Everything shown is user text, built as plain Text.
"""

from rich.text import Text
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static

from retro.commands import HoldItem, ReleaseItem
from retro.views import FacilitatorView, ScreenedItem
from tui.board_data import BoardData
from tui.dialogs.hold_reason import HoldReasonScreen
from tui.keymap import SCREENING_BINDINGS
from tui.messages import RunCommand
from tui.plain_emoji import plain_emoji
from tui.widgets.link_banner import LinkBanner
from tui.widgets.topic_list import TopicList
from tui.wording import plural

BANNER = "Private screening: item text is on screen. Press escape to hide it."
EMPTY = "No items yet. They appear here as phones write them."
REVEALED = "The items have been revealed; there is nothing left to screen."


def screened_text(item: ScreenedItem, prompts: dict[str, str]) -> Text:
    text = Text()
    text.append(plain_emoji(item.text))
    text.append(f"  {prompts.get(item.prompt_id, '')}", style="dim italic")
    if item.held_reason is not None:
        text.append("\n    held: ", style="bold")
        text.append(plain_emoji(item.held_reason), style="bold")
    return text


def screening_lead(view: FacilitatorView) -> Text:
    if view.board.revealed:
        return Text(REVEALED)
    items = view.screening
    if not items:
        return Text(EMPTY)
    held = sum(1 for item in items if item.held_reason is not None)
    lead = Text()
    lead.append(f"{plural(len(items), 'item')} · {held} held\n", style="bold")
    lead.append(
        "A held item stays out of the reveal unless its author rewrites it. Only the author's phone "
        "is told, with your reason; the board's counts stay the same."
    )
    return lead


class ScreeningScreen(Screen[None]):
    BINDINGS = [*SCREENING_BINDINGS]

    def __init__(self) -> None:
        super().__init__(id="screening")
        self._items: tuple[ScreenedItem, ...] = ()

    def compose(self) -> ComposeResult:
        yield LinkBanner()
        yield Static(BANNER, id="screening-banner")
        yield Static(id="screening-lead", markup=False)
        yield TopicList(id="screening-items")
        yield Footer()

    @property
    def items_list(self) -> TopicList:
        return self.query_one("#screening-items", TopicList)

    def on_mount(self) -> None:
        self.watch(self.app, "board_data", self._paint)
        self.items_list.focus()

    def _paint(self, data: BoardData | None) -> None:
        if data is None:
            return
        view = data.view
        self._items = view.screening
        prompts = {prompt.prompt_id: prompt.text for prompt in view.board.prompts}
        self.query_one("#screening-lead", Static).update(screening_lead(view))
        self.items_list.set_topics([(item.item_id, screened_text(item, prompts)) for item in view.screening])

    def _highlighted(self) -> ScreenedItem | None:
        item_id = self.items_list.highlighted_topic_id
        return next((item for item in self._items if item.item_id == item_id), None)

    def action_hold(self) -> None:
        item = self._highlighted()
        if item is None:
            self.notify("There is no item to hold.")
            return

        def hold(reason: str | None) -> None:
            if reason:
                self.post_message(RunCommand(HoldItem(item_id=item.item_id, reason=reason)))

        self.app.push_screen(HoldReasonScreen(item.text, item.held_reason), hold)

    def action_release(self) -> None:
        item = self._highlighted()
        if item is None or item.held_reason is None:
            self.notify("That item is not held.")
            return
        self.post_message(RunCommand(ReleaseItem(item_id=item.item_id)))

    def action_back(self) -> None:
        self.dismiss(None)
