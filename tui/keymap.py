"""Every key the facilitator has, as data: one place to read, one place to remap.

Keys that act on one phase's panel live with that panel's group, so the footer shows them only
while that panel is on screen; `?` lists them all.
"""

from dataclasses import dataclass, replace

from textual.binding import Binding


@dataclass(frozen=True)
class KeyGroup:
    title: str
    bindings: tuple[Binding, ...]


APP_BINDINGS: list[Binding] = [
    Binding("question_mark", "help", "Help", id="help", tooltip="Show every key"),
    Binding("j", "show_lobby", "Join", id="show-lobby", tooltip="Show the QR code and the join URL"),
    Binding("b", "show_board", "Board", id="show-board", tooltip="Back to the board"),
    Binding("n", "next_phase", "Next phase", id="next-phase", tooltip="Move the retro to its next phase"),
    Binding(
        "p",
        "previous_phase",
        "Step back",
        id="previous-phase",
        tooltip="Step back a phase, where that makes sense",
    ),
    Binding(
        "x",
        "export",
        "Export",
        id="export",
        tooltip="Export the outcome: Markdown, HTML, PDF, CSV, JSON, ICS",
    ),
    Binding(
        "ctrl+q",
        "quit",
        "Quit",
        id="quit",
        priority=True,
        tooltip="Quit; `retro host --resume` brings it back",
    ),
]

ROOM_BINDINGS: list[Binding] = [
    Binding(
        "L",
        "app.lock_joining",
        "Lock joining",
        id="room-lock",
        tooltip="Lock joining (asks first); phones already in stay in",
    ),
    Binding(
        "L", "app.open_joining", "Open joining", id="room-open", tooltip="Open joining to new phones again"
    ),
    Binding(
        "R",
        "app.new_join_link",
        "New link",
        id="room-new-link",
        tooltip="Make a new join link: old links stop working for new phones",
    ),
]
"""On the lobby and the board. L locks or opens, whichever applies. The lobby's footer shows them;
the board's footer has no room left for them."""

BOARD_ROOM_BINDINGS: list[Binding] = [replace(binding, show=False) for binding in ROOM_BINDINGS]

REVIEW_BINDINGS: list[Binding] = [
    Binding("d", "review('done')", "Done", id="review-done", tooltip="Mark the selected earlier action done"),
    Binding(
        "c",
        "review('carried_over')",
        "Carry over",
        id="review-carried-over",
        tooltip="Carry the selected earlier action over to the next retro",
    ),
    Binding(
        "delete", "review('dropped')", "Drop", id="review-dropped", tooltip="Drop the selected earlier action"
    ),
]

WRITE_BINDINGS: list[Binding] = [
    Binding(
        "s",
        "screen_items",
        "Screen items",
        id="write-screen",
        tooltip="Screen item text before the reveal (asks first)",
    ),
]

SCREENING_BINDINGS: list[Binding] = [
    Binding(
        "h",
        "hold",
        "Hold",
        id="screening-hold",
        tooltip="Hold the highlighted item out of the reveal, with a reason",
    ),
    Binding("r", "release", "Release", id="screening-release", tooltip="Release the highlighted held item"),
    Binding("escape", "back", "Back", id="screening-back", tooltip="Hide the items: back to the board"),
]

GROUP_BINDINGS: list[Binding] = [
    Binding(
        "space",
        "toggle_topic",
        "Select",
        id="group-select",
        tooltip="Select or unselect the highlighted topic",
    ),
    Binding("m", "merge", "Merge", id="group-merge", tooltip="Merge the selected topics under one name"),
    Binding("r", "rename", "Rename", id="group-rename", tooltip="Rename the highlighted topic"),
    Binding(
        "u", "ungroup", "Ungroup", id="group-ungroup", tooltip="Split the highlighted topic into its items"
    ),
]

DISCUSS_LIST_BINDINGS: list[Binding] = [
    Binding(
        "enter",
        "select",
        "Discuss",
        id="discuss-start",
        tooltip="Discuss the highlighted topic; starts its timer",
    ),
]
"""On the Discuss topic list itself, where enter would otherwise only pick an option."""

DISCUSS_BINDINGS: list[Binding] = [
    Binding("plus", "extend", "+2 min", id="discuss-extend", tooltip="Add time to the discussion timer"),
    Binding("o", "note", "Note", id="discuss-note", tooltip="Add a note to the topic being discussed"),
    Binding(
        "a",
        "record_action",
        "Action",
        id="discuss-action",
        tooltip="Record an action for the highlighted topic",
    ),
]

ACTIONS_BINDINGS: list[Binding] = [
    Binding("a", "record_action", "Record", id="actions-record", tooltip="Record an owned action"),
    Binding("e", "edit_action", "Edit", id="actions-edit", tooltip="Edit the selected action"),
    Binding(
        "delete",
        "delete_action",
        "Delete",
        id="actions-delete",
        tooltip="Delete the selected action (asks first)",
    ),
]

CONFIRM_BINDINGS: list[Binding] = [
    Binding("y", "answer(True)", "Yes", id="confirm-yes", tooltip="Yes, go ahead"),
    Binding("n,escape", "answer(False)", "No", id="confirm-no", tooltip="No, leave things as they are"),
]

DIALOG_BINDINGS: list[Binding] = [
    Binding("escape", "cancel", "Cancel", id="dialog-cancel", tooltip="Close without saving"),
]

KEY_GROUPS: tuple[KeyGroup, ...] = (
    KeyGroup("Anywhere", tuple(APP_BINDINGS)),
    KeyGroup("Lobby and board", tuple(ROOM_BINDINGS)),
    KeyGroup("Review", tuple(REVIEW_BINDINGS)),
    KeyGroup("Write", tuple(WRITE_BINDINGS)),
    KeyGroup("Screening (before the reveal)", tuple(SCREENING_BINDINGS)),
    KeyGroup("Reveal & group", tuple(GROUP_BINDINGS)),
    KeyGroup("Discuss", (*DISCUSS_LIST_BINDINGS, *DISCUSS_BINDINGS)),
    KeyGroup("Actions", tuple(ACTIONS_BINDINGS)),
)
"""What `?` lists, in the order a retro meets them."""

PULSE_APP_BINDINGS: list[Binding] = [
    Binding(
        "ctrl+q", "quit", "Quit", id="pulse-quit", priority=True, tooltip="Quit; an open pulse stays open"
    ),
]
PULSE_LIVE_BINDINGS: list[Binding] = [
    Binding(
        "c",
        "app.close_pulse",
        "Close pulse",
        id="pulse-close",
        tooltip="Close the pulse (asks first): phones stop answering and the results show",
    ),
]
PULSE_RESULTS_BINDINGS: list[Binding] = [
    Binding(
        "t",
        "next_trend",
        "Next trend",
        id="pulse-next-trend",
        tooltip="Show the trend of the pulse's next question",
    ),
]
