"""Discuss: topics in vote order with their totals, a timer for the one being discussed, and notes."""

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static

from retro.commands import AddNote, ExtendTimer, StartDiscussion
from retro.phases import Phase
from retro.text import MAX_NOTE_CHARS
from retro.views import BoardView, TopicView
from tui.board_data import BoardData
from tui.dialogs.text_prompt import TextPromptScreen
from tui.keymap import DISCUSS_BINDINGS, DISCUSS_LIST_BINDINGS
from tui.messages import ActionFormRequested, RunCommand
from tui.panels.base import TopicListPanel
from tui.panels.topic_text import (
    action_line,
    actions_for,
    claim_line,
    claims_for,
    notes_for,
    prompt_labels,
    topic_text,
)
from tui.plain_emoji import plain_emoji
from tui.widgets.countdown import Clock, Countdown
from tui.widgets.topic_list import TopicList

NOTHING_YET = "Highlight a topic and press enter to start discussing it."


def marker(topic: TopicView, board: BoardView) -> str:
    if board.discussion is not None and board.discussion.topic_id == topic.topic_id:
        return "▶"
    return "✓" if topic.topic_id in board.discussed else " "


def current_text(topic: TopicView, board: BoardView) -> Text:
    """The topic under discussion: what people wrote, and the notes so far."""
    text = Text()
    text.append(plain_emoji(topic.title), style="bold")
    labels = prompt_labels(board)
    claimed = {claim.item_id: claim for claim in claims_for(board, topic)}
    if topic.grouped:
        for item in topic.items:
            text.append("\n· ")
            text.append(plain_emoji(item.text))
            text.append(f"  {labels.get(item.prompt_id, '')}", style="dim italic")
            if item.item_id in claimed:
                text.append("\n  ")
                text.append(claim_line(claimed[item.item_id]), style="bold")
    else:
        for claim in claimed.values():
            text.append("\n")
            text.append(claim_line(claim), style="bold")
    notes = notes_for(board, topic.topic_id)
    text.append("\n\nNotes", style="bold underline")
    if not notes:
        text.append("\nNone yet — press o to add one.", style="dim")
    for note in notes:
        text.append("\n✎ ")
        text.append(plain_emoji(note.text))
    actions = actions_for(board, topic.topic_id)
    text.append(f"\n\nActions for this topic: {len(actions)}", style="bold underline")
    if not actions:
        text.append("\nNone yet — press a to record one.", style="dim")
    for action in actions:
        text.append("\n")
        text.append_text(action_line(action))
    return text


class DiscussList(TopicList):
    BINDINGS = [*DISCUSS_LIST_BINDINGS]


class DiscussPanel(TopicListPanel):
    phase = Phase.DISCUSS
    topics_id = "discuss-topics"
    BINDINGS = [*DISCUSS_BINDINGS]

    def __init__(self, board: BoardView, clock: Clock) -> None:
        super().__init__(board)
        self._clock = clock
        self._board = board

    def compose(self) -> ComposeResult:
        with Horizontal():
            with Vertical(id="discuss-left"):
                yield Static("Topics, most votes first", id="discuss-lead")
                yield DiscussList(id="discuss-topics")
            with Vertical(id="discussion"):
                yield Countdown(self._clock, id="countdown")
                with VerticalScroll(id="discussion-scroll"):
                    yield Static(NOTHING_YET, id="discussion-topic", markup=False)

    def watch_data(self, data: BoardData) -> None:
        board = data.board
        self._board = board
        self.topics_list.set_topics(
            [
                (
                    topic.topic_id,
                    topic_text(
                        topic,
                        board,
                        marker=marker(topic, board),
                        votes=True,
                        items=False,
                        notes=True,
                        labels=False,
                        claims=True,
                        actions=True,
                    ),
                )
                for topic in board.topics
            ]
        )
        discussion = board.discussion
        self.query_one(Countdown).set_end(discussion.ends_at if discussion else None)
        current = self._current()
        self.query_one("#discussion-topic", Static).update(
            current_text(current, board) if current else NOTHING_YET
        )

    def _current(self) -> TopicView | None:
        discussion = self._board.discussion
        if discussion is None:
            return None
        return next((t for t in self._board.topics if t.topic_id == discussion.topic_id), None)

    def _highlighted(self) -> TopicView | None:
        topic_id = self.topics_list.highlighted_topic_id
        return next((t for t in self._board.topics if t.topic_id == topic_id), None)

    @on(OptionList.OptionSelected)
    def discuss(self) -> None:
        topic = self._highlighted()
        if topic is not None:
            self.post_message(RunCommand(StartDiscussion(topic_id=topic.topic_id)))

    def action_extend(self) -> None:
        self.post_message(RunCommand(ExtendTimer()))

    def action_note(self) -> None:
        topic = self._current() or self._highlighted()
        if topic is None:
            self.notify("There are no topics to take notes on.")
            return

        def add(text: str | None) -> None:
            if text:
                self.post_message(RunCommand(AddNote(topic_id=topic.topic_id, text=text)))

        self.app.push_screen(
            TextPromptScreen(f"Note on: {plain_emoji(topic.title)}", "The note", max_length=MAX_NOTE_CHARS),
            add,
        )

    def action_record_action(self) -> None:
        topic = self._highlighted()
        self.post_message(ActionFormRequested(topic_id=topic.topic_id if topic else None))
