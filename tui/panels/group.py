"""Reveal & group: every item, in the shuffled reveal order; select topics with space and merge them."""

from textual import on
from textual.app import ComposeResult
from textual.widgets import OptionList, Static

from retro.commands import MergeTopics, RenameTopic, Ungroup
from retro.phases import Phase
from retro.text import MAX_TITLE_CHARS
from retro.views import BoardView, TopicView
from tui.board_data import BoardData
from tui.dialogs.text_prompt import TextPromptScreen
from tui.keymap import GROUP_BINDINGS
from tui.messages import RunCommand
from tui.panels.base import TopicListPanel
from tui.panels.topic_text import topic_text
from tui.widgets.topic_list import TopicList
from tui.wording import plural


class GroupPanel(TopicListPanel):
    phase = Phase.GROUP
    topics_id = "group-topics"
    BINDINGS = [*GROUP_BINDINGS]

    def __init__(self, board: BoardView) -> None:
        super().__init__(board)
        self.selected: set[str] = set()
        self._topics: dict[str, TopicView] = {}
        self._board = board

    def compose(self) -> ComposeResult:
        yield Static(id="group-lead", markup=False)
        yield TopicList(id="group-topics")

    def watch_data(self, data: BoardData) -> None:
        board = data.board
        self._board = board
        self._topics = {topic.topic_id: topic for topic in board.topics}
        self.selected &= set(self._topics)
        self._paint()

    def _paint(self) -> None:
        board = self._board
        lead = f"{plural(len(board.topics), 'topic')}, in shuffled order"
        if self.selected:
            lead += f" · {len(self.selected)} selected"
        self.query_one("#group-lead", Static).update(lead)
        self.topics_list.set_topics(
            [
                (
                    topic.topic_id,
                    topic_text(topic, board, marker="[x]" if topic.topic_id in self.selected else "[ ]"),
                )
                for topic in board.topics
            ]
        )

    def _highlighted(self) -> TopicView | None:
        topic_id = self.topics_list.highlighted_topic_id
        return self._topics.get(topic_id) if topic_id else None

    @on(OptionList.OptionSelected)
    def action_toggle_topic(self) -> None:
        topic = self._highlighted()
        if topic is None:
            return
        self.selected ^= {topic.topic_id}
        self._paint()

    def action_merge(self) -> None:
        chosen = [topic_id for topic_id in self.topics_list.topic_ids if topic_id in self.selected]
        if len(chosen) < 2:
            self.notify("Select two or more topics with space, then press m to merge them.")
            return
        suggestion = next((self._topics[t].title for t in chosen if self._topics[t].grouped), "")

        def merge(title: str | None) -> None:
            if title:
                self.selected.clear()
                self.post_message(RunCommand(MergeTopics(topic_ids=tuple(chosen), title=title)))

        self.app.push_screen(
            TextPromptScreen(
                f"Merge {len(chosen)} topics",
                "Name the new topic",
                value=suggestion,
                max_length=MAX_TITLE_CHARS,
            ),
            merge,
        )

    def action_rename(self) -> None:
        topic = self._highlighted()
        if topic is None:
            return

        def rename(title: str | None) -> None:
            if title and title != topic.title:
                self.post_message(RunCommand(RenameTopic(topic_id=topic.topic_id, title=title)))

        self.app.push_screen(
            TextPromptScreen("Rename topic", "New name", value=topic.title, max_length=MAX_TITLE_CHARS),
            rename,
        )

    def action_ungroup(self) -> None:
        topic = self._highlighted()
        if topic is None:
            return
        if len(topic.items) < 2:
            self.notify("That topic is a single item; there is nothing to ungroup.")
            return
        self.post_message(RunCommand(Ungroup(topic_id=topic.topic_id)))
