"""Close and Ended: the summary, the ROTI score as it comes in, and then the export."""

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from retro.phases import Phase
from tui.board_data import BoardData
from tui.panels.base import PhasePanel
from tui.panels.summary import feelings_text, outcome_text

CLOSE_LEAD = "Phones are asking for a 1–5 score. Press n to end the retro when people are done."
ENDED_LEAD = "Ended. Thank you for your time and honesty."
EXPORT_REMINDER = "Press x to export: Markdown, HTML, PDF, CSV, JSON or a calendar."


class SummaryPanel(PhasePanel):
    def compose(self) -> ComposeResult:
        yield Static(id="summary-lead", classes="summary-lead", markup=False)
        with Horizontal(classes="summary-columns"):
            with VerticalScroll(classes="summary-column", id=f"{self.phase.value}-outcome"):
                yield Static(classes="summary-outcome", markup=False)
            with VerticalScroll(classes="summary-column"):
                yield Static(classes="summary-feelings", markup=False)

    @property
    def focus_target(self) -> Widget | None:
        return self.query_one(VerticalScroll)

    def lead(self, data: BoardData) -> str:
        raise NotImplementedError

    def watch_data(self, data: BoardData) -> None:
        self.query_one(".summary-lead", Static).update(self.lead(data))
        self.query_one(".summary-outcome", Static).update(outcome_text(data.board))
        self.query_one(".summary-feelings", Static).update(feelings_text(data.board))


class ClosePanel(SummaryPanel):
    phase = Phase.CLOSE

    def lead(self, data: BoardData) -> str:
        return CLOSE_LEAD


class EndedPanel(SummaryPanel):
    phase = Phase.ENDED

    def lead(self, data: BoardData) -> str:
        if data.export_path is None:
            return f"{ENDED_LEAD} {EXPORT_REMINDER}"
        return f"{ENDED_LEAD} Exported to {data.export_path}"
