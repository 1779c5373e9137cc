"""Review: the team's open actions from earlier retros, each marked done, carried over or dropped."""

from rich.text import Text
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import DataTable, Static

from retro.commands import ReviewAction, ReviewOutcome
from retro.phases import Phase
from retro.pulse.glance import PulseGlance
from tui.board_data import BoardData
from tui.keymap import REVIEW_BINDINGS
from tui.messages import RunCommand
from tui.panels.base import PhasePanel
from tui.plain_emoji import plain_emoji
from tui.wording import OUTCOME_LABELS, plural, short_date

EMPTY = "No open actions from earlier retros."


def pulse_line(pulse: PulseGlance) -> str:
    """The latest pulse in one line: each question's mean only where enough people answered it."""
    results = " · ".join(
        f"{summary.text} {summary.mean:.1f}/{summary.high}"
        if summary.mean is not None
        else f"{summary.text} too few answers"
        for summary in pulse.summaries
    )
    return f"Latest pulse, {pulse.week}, {plural(pulse.answered, 'answer')}: {results}"


class ReviewPanel(PhasePanel):
    phase = Phase.REVIEW
    BINDINGS = [*REVIEW_BINDINGS]

    def compose(self) -> ComposeResult:
        yield Static(id="review-pulse", markup=False)
        yield Static(id="review-lead", markup=False)
        table: DataTable[Text] = DataTable(id="review-table", cursor_type="row", zebra_stripes=True)
        table.add_columns("Action", "Owner", "Due", "From", "Outcome")
        yield table

    @property
    def table(self) -> DataTable[Text]:
        return self.query_one("#review-table", DataTable)

    @property
    def focus_target(self) -> Widget | None:
        return self.table

    def watch_data(self, data: BoardData) -> None:
        pulse = self.query_one("#review-pulse", Static)
        pulse.display = data.board.pulse is not None
        if data.board.pulse is not None:
            pulse.update(pulse_line(data.board.pulse))
        review = data.board.review
        lead = self.query_one("#review-lead", Static)
        table = self.table
        table.display = bool(review)
        if not review:
            lead.update(EMPTY)
            return
        reviewed = sum(1 for item in review if item.outcome is not None)
        lead.update(f"{plural(len(review), 'open action')} from earlier retros · {reviewed} reviewed")
        row = table.cursor_row
        table.clear()
        for item in review:
            outcome = OUTCOME_LABELS[item.outcome] if item.outcome else "—"
            table.add_row(
                Text(plain_emoji(item.text)),
                Text(plain_emoji(item.owner)),
                Text(short_date(item.due)),
                Text(f"{plain_emoji(item.from_title)}, {short_date(item.from_date)}"),
                Text(outcome, style="bold" if item.outcome else "dim"),
                key=item.ref,
            )
        table.move_cursor(row=min(row, len(review) - 1))

    def action_review(self, outcome: str) -> None:
        table = self.table
        if not table.display or table.row_count == 0:
            self.notify(EMPTY)
            return
        ref = table.ordered_rows[table.cursor_row].key.value
        assert ref is not None
        self.post_message(RunCommand(ReviewAction(ref=ref, outcome=ReviewOutcome(outcome))))
