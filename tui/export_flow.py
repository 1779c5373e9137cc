"""The export key: the dialog, the file written off the event loop, and what the facilitator is told."""

from pathlib import Path

from textual import on, work
from textual.worker import Worker, WorkerState

from retro.exports.markdown import render_markdown
from retro.nudge import unframed_items
from retro.outcome import RetroOutcome
from retro.session import Session
from tui.dialogs.export import ExportScreen
from tui.exporting import (
    COPY_MARKDOWN,
    EXPORT_CHOICES,
    ExportChoice,
    current_outcome,
    export_error,
    write_choice,
)
from tui.toasts import RepaintAfterToasts


class ExportFlow(RepaintAfterToasts):
    """The facilitator's app, as far as exporting goes; RetroApp is the rest."""

    session: Session
    export_dir: Path
    """Where exports are written."""
    last_export: Path | None
    """The file the latest export wrote; the board shows it."""

    def refresh_views(self) -> None:
        raise NotImplementedError

    def action_export(self) -> None:
        warnings = unframed_items(current_outcome(self.session).item_texts)
        self.push_screen(ExportScreen(warnings), self._export_chosen)

    def _export_chosen(self, key: str | None) -> None:
        if key is None:
            return
        outcome = current_outcome(self.session)
        if key == COPY_MARKDOWN:
            self.copy_to_clipboard(render_markdown(outcome))
            self.notify("Markdown copied to the clipboard.", title="Copied")
            return
        choice = next(choice for choice in EXPORT_CHOICES if choice.key == key)
        self.notify(f"Writing {choice.export_format.value}…", timeout=2)
        self._write_export(outcome, choice)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _write_export(self, outcome: RetroOutcome, choice: ExportChoice) -> Path:
        return write_choice(outcome, choice, self.export_dir)

    @on(Worker.StateChanged)
    def _export_finished(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export":
            return
        if event.state is WorkerState.ERROR:
            self.notify(export_error(worker.error), title="Export failed", severity="error", markup=False)
        elif event.state is WorkerState.SUCCESS and isinstance(worker.result, Path):
            self.last_export = worker.result
            self.notify(str(worker.result), title="Export written", markup=False)
            self.refresh_views()
