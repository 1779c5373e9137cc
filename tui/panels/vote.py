"""Vote: the topics people spend their dots on. Totals stay hidden from everyone until voting closes."""

from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Static

from retro.phases import Phase
from tui.board_data import BoardData
from tui.panels.base import PhasePanel
from tui.panels.topic_text import topic_text
from tui.widgets.topic_list import TopicList
from tui.wording import phones_joined, phones_voted, plural

HIDDEN = "Voting open — totals hidden until voting closes"


class VotePanel(PhasePanel):
    phase = Phase.VOTE

    def compose(self) -> ComposeResult:
        yield Static(HIDDEN, id="vote-lead")
        yield Static(id="voted", markup=False)
        yield Static(id="vote-facts", markup=False)
        yield TopicList(id="vote-topics")

    @property
    def focus_target(self) -> Widget | None:
        return self.query_one("#vote-topics", TopicList)

    def watch_data(self, data: BoardData) -> None:
        board = data.board
        self.query_one("#voted", Static).update(phones_voted(data.phones_voted, data.phones))
        self.query_one("#vote-facts", Static).update(
            f"{phones_joined(data.phones)} · {plural(board.votes_per_person, 'dot')} each, "
            f"at most {board.max_votes_per_topic} on one topic · {plural(len(board.topics), 'topic')}"
        )
        self.query_one("#vote-topics", TopicList).set_topics(
            [(topic.topic_id, topic_text(topic, board)) for topic in board.topics]
        )
