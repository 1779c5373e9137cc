"""A live pulse, at a huddle or a shift start: the QR code, the link, and how many phones have answered.

Nothing else shows before the close: no answer, no aggregate, no "who has answered". The count itself
moves at most every few seconds (server.pulse_rooms), never one answer at a time.
"""

from datetime import datetime

from rich.text import Text

from server.pulse_asks import PulseOpened
from tui.keymap import PULSE_LIVE_BINDINGS
from tui.plain_emoji import plain_emoji
from tui.screens.join import JoinScreen
from tui.wording import plural


def pulse_heading(opened: PulseOpened) -> Text:
    text = Text()
    text.append(plain_emoji(opened.title), style="bold")
    text.append(" · ", style="dim")
    text.append(plain_emoji(opened.team))
    return text


def answers_so_far(answered: int | None) -> str:
    if not answered:
        return "No answers yet"
    return f"{plural(answered, 'answer')} so far"


def closing_time(closes_at: datetime) -> str:
    return closes_at.astimezone().strftime("%a %d %b, %H:%M")


def pulse_hint(opened: PulseOpened, closed: bool) -> str:
    if closed:
        return "The pulse has closed. Its results are coming."
    hint = (
        f"Results show for each question once {opened.min_responses} have answered. "
        "Press c to close the pulse and see them."
    )
    if opened.closes_at is not None:
        hint += f" It closes by itself on {closing_time(opened.closes_at)}."
    return hint


class PulseLiveScreen(JoinScreen):
    BINDINGS = [*PULSE_LIVE_BINDINGS]

    def __init__(self, opened: PulseOpened) -> None:
        super().__init__(id="pulse-live")
        self.opened = opened
        self._count: tuple[int | None, bool] = (None, False)
        self._ready = False
        """Set once mounted, with its widgets: from then on a count shows at once."""

    def on_mount(self) -> None:
        super().on_mount()
        self.show_join_url(self.opened.public_url + self.opened.join_path)
        self._ready = True
        self._show()

    def on_unmount(self) -> None:
        self._ready = False

    def show_count(self, answered: int | None, *, closed: bool) -> None:
        """Shown now if the screen is up, else as soon as it is."""
        self._count = (answered, closed)
        if self._ready:
            self._show()

    def _show(self) -> None:
        answered, closed = self._count
        self.show_words(pulse_heading(self.opened), answers_so_far(answered), pulse_hint(self.opened, closed))
