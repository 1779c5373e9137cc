"""Small pieces of wording shared by screens: counts, dates, outcomes."""

from datetime import date

from retro.commands import EditAction, RecordAction, ReviewOutcome
from retro.views import BoardView
from tui.plain_emoji import plain_emoji


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def phones_joined(phones: int) -> str:
    return f"{plural(phones, 'phone')} joined"


def phones_that(done: int, phones: int, participle: str) -> str:
    """A count only, "5 of 8 phones have written": never who."""
    return f"{done} of {plural(phones, 'phone')} {'has' if phones == 1 else 'have'} {participle}"


def phones_written(written: int, phones: int) -> str:
    return phones_that(written, phones, "written")


def phones_voted(voted: int, phones: int) -> str:
    return phones_that(voted, phones, "voted")


def long_date(day: date) -> str:
    """'Fri 4 Dec 2026': the weekday first, because people plan by weekdays."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def short_date(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def action_saved(action: RecordAction | EditAction, board: BoardView) -> str:
    """'Pair on nights — Priya, due Fri 4 Dec 2026 · for "Handovers"'."""
    line = f"{plain_emoji(action.text)} — {plain_emoji(action.owner)}, due {long_date(action.due)}"
    topic = next((topic.title for topic in board.topics if topic.topic_id == action.topic_id), None)
    return f"{line} · for “{plain_emoji(topic)}”" if topic else line


OUTCOME_LABELS: dict[ReviewOutcome, str] = {
    ReviewOutcome.DONE: "✓ done",
    ReviewOutcome.CARRIED_OVER: "↻ carried over",
    ReviewOutcome.DROPPED: "✗ dropped",
}

SCREENING_CONFIRM = (
    "Item text will be on screen. Is the screen private?",
    "Screening shows what people have written, before the reveal, so that you can hold an item that "
    "names or could identify someone. Stop projecting or sharing this terminal first. "
    "Escape hides the items again.",
)
LOCK_CONFIRM = (
    "Lock joining?",
    "New phones are refused until you press L again. Phones already in stay in, and can reconnect.",
)
NEW_LINK_CONFIRM = (
    "Make a new join link?",
    "Old links stop working for new phones; phones already in stay in.",
)
