"""Notifications that leave nothing behind once they go.

On the board, an expired toast's last frame can stay on a real terminal until something else repaints that
part of the screen (seen in tmux at 80x24), although the toast is gone from the DOM. The app repaints its
screen just after each notification's time is up.
"""

import asyncio

from textual.app import App
from textual.notifications import SeverityLevel

_GRACE_SECONDS = 0.3


class RepaintAfterToasts(App[None]):
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)
        shown_for = self.NOTIFICATION_TIMEOUT if timeout is None else timeout
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # notify is thread-safe, so this may run in a worker's thread
            self.call_from_thread(self.set_timer, shown_for + _GRACE_SECONDS, self._repaint_screen)
        else:
            self.set_timer(shown_for + _GRACE_SECONDS, self._repaint_screen)

    def _repaint_screen(self) -> None:
        self.screen.refresh(repaint=True, layout=True)
