"""A list of topics (or, when screening, items) that keeps its highlight on the same entry when the
board changes."""

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class TopicList(OptionList):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    @property
    def highlighted_topic_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    @property
    def topic_ids(self) -> list[str]:
        return [option.id for option in self.options if option.id is not None]

    def set_topics(self, entries: list[tuple[str, Text]]) -> None:
        """Replace the topics. The highlight stays on its topic; when that topic has just been merged
        or split, it moves to what took its place."""
        keep = self.highlighted_topic_id
        index = self.highlighted
        before = set(self.topic_ids)
        self.set_options(Option(prompt, id=topic_id) for topic_id, prompt in entries)
        if not entries:
            return
        ids = [topic_id for topic_id, _ in entries]
        arrived = [topic_id for topic_id in ids if topic_id not in before]
        if keep in ids:
            self.highlighted = ids.index(keep)
        elif before and arrived:
            self.highlighted = ids.index(arrived[0])
        else:
            self.highlighted = min(index or 0, len(entries) - 1)

    def highlight_topic(self, topic_id: str) -> None:
        if topic_id in self.topic_ids:
            self.highlighted = self.topic_ids.index(topic_id)
