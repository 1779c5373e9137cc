"""A question's trend over weeks as a bar chart: one column per week, a week under the threshold a gap.

A gap is drawn as an empty column marked "gap", never as a bar or a number: a week with too few answers
has no mean to show.
"""

from rich.text import Text
from textual.widgets import Static

from retro.pulse.trend import TrendPoint

_EIGHTHS = " ▁▂▃▄▅▆▇█"
COLUMN = 5
"""Each week takes five cells: a three-cell bar and a gap of two."""
GAP = "gap"
AXIS = 5
"""Columns of the scale at the left."""


def _axis(row: int, height: int, low: int, high: int) -> str:
    """The scale at the chart's left: its top at the top row, its bottom at the bottom row."""
    if row == 0:
        return f"{high:>2} ┤ "
    if row == height - 1:
        return f"{low:>2} ┤ "
    return "   │ "


def week_label(week: str) -> str:
    """`2026-W49` as `W49`: the year shows once, under the chart."""
    return week.rsplit("-", 1)[-1]


def bar_rows(point: TrendPoint, low: int, high: int, height: int) -> list[str]:
    """One column's rows, top first: a bar from `low` up to the mean, in eighths of a row."""
    if point.mean is None:
        return ["   "] * height
    share = (point.mean - low) / (high - low) if high > low else 1.0
    eighths = max(1, round(share * height * 8))
    return [_EIGHTHS[min(8, max(0, eighths - row * 8))] * 3 for row in reversed(range(height))]


def trend_text(points: tuple[TrendPoint, ...], low: int, high: int, height: int = 6) -> Text:
    if not points:
        return Text("No closed pulse yet: the trend starts with the first one.", style="italic")
    columns = [bar_rows(point, low, high, height) for point in points]
    text = Text()
    for row in range(height):
        text.append(_axis(row, height, low, high), style="dim")
        for column in columns:
            text.append(column[row].ljust(COLUMN), style="bold")
        text.append("\n")
    text.append(" " * AXIS)
    for point in points:
        shown = GAP if point.mean is None else f"{point.mean:.1f}"
        text.append(shown.ljust(COLUMN), style="italic dim" if point.mean is None else "bold")
    text.append("\n" + " " * AXIS)
    for point in points:
        text.append(week_label(point.week).ljust(COLUMN), style="dim")
    text.append("\n")
    years = sorted({point.week.split("-", 1)[0] for point in points})
    gaps = sum(1 for point in points if point.mean is None)
    text.append(f"Weeks of {'–'.join(years)}, from {low} to {high}", style="dim")
    if gaps:
        text.append(f" · {gaps} {'week' if gaps == 1 else 'weeks'} with too few answers: a gap", style="dim")
    return text


class TrendChart(Static):
    def show(self, points: tuple[TrendPoint, ...], low: int, high: int) -> None:
        self.update(trend_text(points, low, high))
