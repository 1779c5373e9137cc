"""The discussion timer: big mm:ss digits counting down to the room's end time, then "Time's up"."""

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Static

Clock = Callable[[], datetime]


def remaining_seconds(ends_at: datetime, now: datetime) -> int:
    return max(0, int((ends_at - now).total_seconds() + 0.999))


def mm_ss(seconds: int) -> str:
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class Countdown(Vertical):
    """Refreshes itself every second from the session's clock, so it agrees with the phones."""

    def __init__(self, clock: Clock, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._clock = clock
        self._ends_at: datetime | None = None

    def compose(self) -> ComposeResult:
        yield Digits("--:--", id="countdown-digits")
        yield Static(id="countdown-state")

    def on_mount(self) -> None:
        self.set_interval(1, self.tick)
        self.tick()

    @property
    def text(self) -> str:
        """What the timer shows now, as the room reads it."""
        return self.query_one(Digits).value

    def set_end(self, ends_at: datetime | None) -> None:
        self._ends_at = ends_at
        if self.is_mounted:
            self.tick()

    def tick(self) -> None:
        digits = self.query_one(Digits)
        state = self.query_one("#countdown-state", Static)
        if self._ends_at is None:
            digits.update("--:--")
            state.update("")
            self.set_class(False, "-times-up")
            return
        left = remaining_seconds(self._ends_at, self._clock())
        digits.update(mm_ss(left))
        state.update("Time's up" if left == 0 else "left on this topic")
        self.set_class(left == 0, "-times-up")
