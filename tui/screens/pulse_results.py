"""A closed pulse: the trend of one of its questions over the weeks, each question's result behind the
threshold, and the comments, shuffled and without times, once enough people wrote one."""

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from retro.pulse.results import PulseResults
from retro.pulse.trend import TrendPoint
from server.pulse_asks import PulseOpened
from tui.keymap import PULSE_RESULTS_BINDINGS
from tui.messages import TrendWanted
from tui.panels.histogram import summary_line
from tui.plain_emoji import plain_emoji
from tui.widgets.link_banner import LinkBanner
from tui.widgets.trend_chart import TrendChart
from tui.wording import plural

MAY_POINT_AT_A_PERSON = "  ↳ this may point at a person. What's the learning here?"


def results_heading(results: PulseResults) -> Text:
    text = Text()
    text.append(plain_emoji(results.title), style="bold")
    text.append(" · ", style="dim")
    text.append(plain_emoji(results.team))
    text.append(f" · {results.week} · {plural(results.answered, 'answer')}", style="dim")
    return text


def questions_text(results: PulseResults) -> Text:
    text = Text()
    for summary in results.summaries:
        text.append(plain_emoji(summary.text))
        text.append("\n  ")
        text.append_text(summary_line(summary, results.min_responses))
        text.append("\n")
    text.rstrip()
    return text


def comments_text(results: PulseResults, question: str) -> Text:
    text = Text()
    text.append(plain_emoji(question), style="bold")
    if results.comments is None:
        text.append(
            f"\n{plural(results.comments_written, 'comment')} written: comments show once "
            f"{results.min_responses} people have written one.",
            style="italic",
        )
        return text
    text.append("  shuffled, with no times", style="dim")
    for comment in results.comments:
        text.append("\n• ")
        text.append(plain_emoji(comment.text))
        if comment.points_at_person:
            text.append(f"\n{MAY_POINT_AT_A_PERSON}", style="italic dim")
    return text


class PulseResultsScreen(Screen[None]):
    BINDINGS = [*PULSE_RESULTS_BINDINGS]

    def __init__(self, opened: PulseOpened, results: PulseResults) -> None:
        super().__init__(id="pulse-results")
        self.opened = opened
        self.results = results
        self.trend_index = 0
        """Which of the pulse's questions the chart shows."""

    def compose(self) -> ComposeResult:
        yield LinkBanner()
        yield Static(results_heading(self.results), id="results-title")
        with VerticalScroll(id="results-body"):
            yield Static(id="trend-heading")
            yield TrendChart(id="trend-chart")
            yield Static("Results", id="results-label", classes="results-label")
            yield Static(questions_text(self.results), id="results-questions")
            if self.opened.free_text is not None:
                yield Static(comments_text(self.results, self.opened.free_text.text), id="results-comments")
        yield Footer()

    def show_trend(self, question_id: str, points: tuple[TrendPoint, ...]) -> None:
        question = next(question for question in self.opened.questions if question.id == question_id)
        heading = Text()
        heading.append(plain_emoji(question.text), style="bold")
        heading.append("  · over the weeks", style="dim")
        self.query_one("#trend-heading", Static).update(heading)
        self.query_one(TrendChart).show(points, question.low, question.high)

    def on_mount(self) -> None:
        self.post_message(TrendWanted(self.opened.questions[self.trend_index].id))

    def action_next_trend(self) -> None:
        self.trend_index = (self.trend_index + 1) % len(self.opened.questions)
        self.post_message(TrendWanted(self.opened.questions[self.trend_index].id))
