"""Every key the facilitator has, as data: one place to read and one place to remap."""

from textual.binding import Binding

APP_BINDINGS: list[Binding] = [
    Binding("question_mark", "help", "Help", id="help", tooltip="Show every key"),
    Binding("j", "show_lobby", "Join", id="show-lobby", tooltip="Show the QR code and join URL"),
    Binding("b", "show_board", "Board", id="show-board", tooltip="Show the board"),
    Binding("n", "next_phase", "Next phase", id="next-phase", tooltip="Move the retro to its next phase"),
    Binding("a", "record_action", "Action", id="record-action", tooltip="Record an owned action"),
    Binding("x", "export_markdown", "Export", id="export-markdown", tooltip="Write the Markdown export"),
    Binding("ctrl+q", "quit", "Quit", id="quit", tooltip="Quit; `retro host --resume` brings it back"),
]
