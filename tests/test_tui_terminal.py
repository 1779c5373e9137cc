"""The TUI on a real terminal: what is drawn there, not only what the DOM holds."""

from pathlib import Path

from tests.support.terminal import hosted_in_a_terminal


def test_a_notification_leaves_no_trace_on_the_terminal_once_it_has_gone(tmp_path: Path) -> None:
    with hosted_in_a_terminal(tmp_path / "r.db") as terminal:
        assert terminal.wait_until(lambda text: "phones joined" in text), terminal.text()
        terminal.press("b")
        assert terminal.wait_until(lambda text: "Review" in text and "Next phase" in text), terminal.text()
        terminal.press("n")
        assert terminal.wait_until(lambda text: "Now: Check-in" in text), terminal.text()
        assert terminal.wait_until(lambda text: "Now: Check-in" not in text, timeout=20), terminal.text()
