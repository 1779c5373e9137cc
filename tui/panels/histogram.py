"""Answers to a 1–5 or 1–10 question as small vertical bars, shown only once enough have answered."""

from rich.text import Text

from retro.aggregates import AnswerSummary
from tui.wording import plural

_EIGHTHS = " ▁▂▃▄▅▆▇█"
COLUMN = 3
"""Each value takes three cells: a two-cell bar and a gap."""


def waiting_line(summary: AnswerSummary, min_responses: int) -> str:
    return f"{summary.answered} answered — results appear once {min_responses} have answered"


def bars(histogram: tuple[int, ...], height: int = 4) -> list[str]:
    """Rows of bars, top row first; the tallest bar fills the height, any answer shows at least a sliver."""
    tallest = max(histogram) or 1
    eighths = [max(1, round(count / tallest * height * 8)) if count else 0 for count in histogram]
    rows = []
    for row in reversed(range(height)):
        cells = [_EIGHTHS[min(8, max(0, level - row * 8))] * 2 for level in eighths]
        rows.append(" ".join(cells))
    return rows


def histogram_text(summary: AnswerSummary, min_responses: int, height: int = 4) -> Text:
    if not summary.shown or summary.histogram is None or summary.mean is None:
        return Text(waiting_line(summary, min_responses), style="italic")
    values = range(summary.low, summary.high + 1)
    text = Text()
    for row in bars(summary.histogram, height):
        text.append(f"{row}\n", style="bold")
    text.append(" ".join(f"{value:>2}" for value in values), style="dim")
    text.append("\n")
    text.append(" ".join(f"{count:>2}" if count else " ·" for count in summary.histogram), style="dim")
    text.append("\n")
    text.append(f"mean {summary.mean:.1f}", style="bold")
    text.append(f" of {summary.high} · {plural(summary.answered, 'answer')}")
    return text


def summary_line(summary: AnswerSummary, min_responses: int) -> Text:
    """One line for the summary: the mean once enough answered, otherwise only how many did."""
    if not summary.shown or summary.mean is None:
        return Text(f"{summary.answered} answered (shown once {min_responses} have)", style="dim")
    return Text.assemble(
        ("mean ", ""),
        (f"{summary.mean:.1f}", "bold"),
        f" of {summary.high} · {plural(summary.answered, 'answer')}",
    )
