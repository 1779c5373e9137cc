"""Vote: the topics people spend their dots on. Totals stay hidden from everyone until voting closes."""

from textual.app import ComposeResult
from textual.widgets import Static

from retro.phases import Phase
from tui.board_data import BoardData
from tui.panels.base import TopicListPanel
from tui.panels.topic_text import topic_text
from tui.widgets.topic_list import TopicList
from tui.wording import phones_joined, phones_voted, plural

HIDDEN = "Voting open — totals hidden until voting closes"


class VotePanel(TopicListPanel):
    phase = Phase.VOTE
    topics_id = "vote-topics"

    def compose(self) -> ComposeResult:
        yield Static(HIDDEN, id="vote-lead")
        yield Static(id="voted", markup=False)
        yield Static(id="vote-facts", markup=False)
        yield TopicList(id="vote-topics")

    def watch_data(self, data: BoardData) -> None:
        board = data.board
        self.query_one("#voted", Static).update(phones_voted(data.phones_voted, data.phones))
        self.query_one("#vote-facts", Static).update(
            f"{phones_joined(data.phones)} · {plural(board.votes_per_person, 'dot')} each, "
            f"at most {board.max_votes_per_topic} on one topic · {plural(len(board.topics), 'topic')}"
        )
        self.topics_list.set_topics([(topic.topic_id, topic_text(topic, board)) for topic in board.topics])
