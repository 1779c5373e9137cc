"""The export key: the dialog, the file written off the event loop, and what the facilitator is told.

The outcome comes from the server as the team keeps it, asked for when the dialog opens and again once a
format is chosen, so that the export holds what happened while the dialog was open.

The exports (and their calendar and PDF libraries) load when the export key is first pressed.
"""

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.worker import Worker, WorkerState

from tui.linked import NOT_LINKED, LinkedApp

if TYPE_CHECKING:
    from retro.outcome import RetroOutcome
    from tui.exporting import ExportChoice


class ExportFlow(LinkedApp):
    """The facilitator's app, as far as exporting goes; RetroApp is the rest."""

    export_dir: Path
    """Where exports are written."""
    last_export: Path | None
    """The file the latest export wrote; the board shows it."""

    def refresh_views(self) -> None:
        raise NotImplementedError

    def action_export(self) -> None:
        self._open_dialog()

    @work(exclusive=True, group="export-dialog", exit_on_error=False)
    async def _open_dialog(self) -> None:
        from retro.nudge import unframed_items
        from tui.dialogs.export import ExportScreen

        outcome = await self._outcome()
        if outcome is not None:
            self.push_screen(ExportScreen(unframed_items(outcome.item_texts)), self._export_chosen)

    def _export_chosen(self, key: str | None) -> None:
        if key is not None:
            self._export(key)

    @work(exclusive=True, group="export-outcome", exit_on_error=False)
    async def _export(self, key: str) -> None:
        from retro.exports.markdown import render_markdown
        from tui.exporting import COPY_MARKDOWN, EXPORT_CHOICES

        outcome = await self._outcome()
        if outcome is None:
            return
        if key == COPY_MARKDOWN:
            self.copy_to_clipboard(render_markdown(outcome))
            self.notify("Markdown copied to the clipboard.", title="Copied")
            return
        choice = next(choice for choice in EXPORT_CHOICES if choice.key == key)
        self.notify(f"Writing {choice.export_format.value}…", timeout=2)
        self._write_export(outcome, choice)

    async def _outcome(self) -> "RetroOutcome | None":
        """The retro's outcome as the team keeps it; None, said why, when the server cannot give it."""
        from server.asks import OutcomeAsk, OutcomeResult
        from server.protocol import RefusalCode
        from tui.link import Refused

        try:
            if self.link is None:
                raise Refused(RefusalCode.CLOSED, NOT_LINKED)
            answer = await self.link.ask(OutcomeAsk())
        except Refused as refused:
            self.notify(refused.message, title="Export failed", severity="error", markup=False)
            return None
        return answer.outcome if isinstance(answer, OutcomeResult) else None

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def _write_export(self, outcome: "RetroOutcome", choice: "ExportChoice") -> Path:
        from tui.exporting import write_choice

        return write_choice(outcome, choice, self.export_dir)

    @on(Worker.StateChanged)
    def _export_finished(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group != "export":
            return
        if event.state is WorkerState.ERROR:
            from tui.exporting import export_error

            self.notify(export_error(worker.error), title="Export failed", severity="error", markup=False)
        elif event.state is WorkerState.SUCCESS and isinstance(worker.result, Path):
            self.last_export = worker.result
            self.notify(str(worker.result), title="Export written", markup=False)
            self.refresh_views()
