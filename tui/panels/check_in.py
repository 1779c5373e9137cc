"""Check-in: each question's answers as a histogram once enough have answered, and the team's trend."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Sparkline, Static

from retro.aggregates import AnswerSummary
from retro.phases import Phase
from retro.views import QuestionView
from tui.board_data import BoardData
from tui.panels.base import PhasePanel
from tui.panels.histogram import histogram_text
from tui.plain_emoji import plain_emoji

NO_TREND = "Not enough answers yet to draw the team's trend."
BAR_WIDTH = 5
MAX_BARS = 16


class QuestionCard(Static):
    def __init__(self, question_id: str) -> None:
        super().__init__(id=f"question-{question_id}", classes="question-card", markup=False)

    def show(self, summary: AnswerSummary, question: QuestionView | None, min_responses: int) -> None:
        self.border_title = Text(plain_emoji(summary.text))
        text = histogram_text(summary, min_responses)
        if question is not None and summary.shown and (question.low_label or question.high_label):
            text.append(f"\n{question.low} = ", style="dim")
            text.append(plain_emoji(question.low_label) or "—", style="dim")
            text.append(f" · {question.high} = ", style="dim")
            text.append(plain_emoji(question.high_label) or "—", style="dim")
        self.update(text)


def trend_values(trend: tuple[float | None, ...]) -> list[float]:
    """Only retros where enough people answered: a mean of too few is never drawn."""
    return [mean for mean in trend if mean is not None]


class CheckInPanel(PhasePanel):
    phase = Phase.CHECK_IN

    def compose(self) -> ComposeResult:
        yield Static(id="check-in-lead", markup=False)
        with Grid(id="check-in-questions"):
            for summary in self.initial.check_in:
                yield QuestionCard(summary.question_id)
        with Vertical(id="trend"):
            yield Static("Motivation across the team's retros", id="trend-title")
            yield Sparkline([], id="trend-sparkline")
            yield Static(id="trend-means", markup=False)

    def watch_data(self, data: BoardData) -> None:
        board = data.board
        self.query_one("#check-in-lead", Static).update(
            f"Answers are anonymous; each question's results appear once {board.min_responses} have answered."
        )
        grid = self.query_one("#check-in-questions", Grid)
        questions = {question.question_id: question for question in board.questions}
        for summary in board.check_in:
            card = grid.query_one(f"#question-{summary.question_id}", QuestionCard)
            card.show(summary, questions.get(summary.question_id), board.min_responses)
        self._show_trend(data.trend, board.min_responses)

    def _show_trend(self, trend: tuple[float | None, ...] | None, min_responses: int) -> None:
        box = self.query_one("#trend", Vertical)
        box.display = trend is not None
        if trend is None:
            return
        values = trend_values(trend)[-MAX_BARS:]
        sparkline = self.query_one("#trend-sparkline", Sparkline)
        sparkline.display = bool(values)
        sparkline.data = values
        sparkline.styles.width = BAR_WIDTH * max(1, len(values))
        means = self.query_one("#trend-means", Static)
        if not values:
            means.update(NO_TREND)
            return
        text = Text("".join(f"{mean:^{BAR_WIDTH}.1f}" for mean in values), style="bold")
        text.append("\none bar per retro, oldest first", style="dim")
        skipped = len(trend) - len(trend_values(trend))
        if skipped:
            retros = "1 retro" if skipped == 1 else f"{skipped} retros"
            text.append(f" · {retros} not drawn: fewer than {min_responses} answered", style="dim")
        means.update(text)
