"""The retro's summary: topics and votes, actions, check-in, ROTI and the closing questions.

Aggregates of answers follow the minimum-responses rule: below it, only how many answered.
"""

from rich.text import Text

from retro.views import BoardView
from tui.panels.histogram import histogram_text, summary_line
from tui.plain_emoji import plain_emoji
from tui.wording import long_date, plural


def heading(text: Text, title: str) -> None:
    if text.plain:
        text.append("\n\n")
    text.append(title, style="bold underline")


def outcome_text(board: BoardView) -> Text:
    """Left column: what the retro talked about and what it will do."""
    text = Text()
    heading(text, "Topics")
    if not board.revealed:
        text.append("\nNot revealed.", style="dim")
    elif not board.topics:
        text.append("\nNo items were written.", style="dim")
    for topic in board.topics:
        text.append("\n")
        if topic.votes is not None:
            text.append(f"● {topic.votes:<3} ", style="bold")
        text.append(plain_emoji(topic.title))
        if topic.grouped:
            text.append(f"  ({plural(len(topic.items), 'item')})", style="dim")
    heading(text, "Actions")
    if not board.actions:
        text.append("\nNo actions recorded.", style="dim")
    for number, action in enumerate(board.actions, start=1):
        text.append(f"\n{number}. ")
        text.append(plain_emoji(action.text), style="bold")
        text.append("\n   ")
        text.append(plain_emoji(action.owner))
        text.append(f" · due {long_date(action.due)}", style="dim")
        if action.topic_title:
            text.append(" · ", style="dim")
            text.append(plain_emoji(action.topic_title), style="dim italic")
    return text


def feelings_text(board: BoardView) -> Text:
    """Right column: how people are, whether the retro was worth it, and what to take away."""
    text = Text()
    heading(text, "Check-in")
    for summary in board.check_in:
        text.append("\n")
        text.append(plain_emoji(summary.text))
        text.append("\n  ")
        text.append_text(summary_line(summary, board.min_responses))
    if board.roti is not None:
        heading(text, "Return on time invested")
        text.append("\n")
        text.append(board.roti.text)
        text.append("\n")
        text.append_text(histogram_text(board.roti, board.min_responses, height=3))
    if board.closing_questions:
        heading(text, "For each of us, privately")
        for question in board.closing_questions:
            text.append(f"\n· {question}", style="italic")
    return text
