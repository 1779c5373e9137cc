"""Before an export is written: which items still point at people, by the blame-nudge rules.

A warning, never a block: the export is written all the same.
"""

from collections.abc import Callable

from retro.nudge import points_at_person
from retro.outcome import RetroOutcome


def items_pointing_at_people(
    outcome: RetroOutcome, detector: Callable[[str], bool] = points_at_person
) -> list[str]:
    texts = [item.text for topic in outcome.topics for item in topic.items]
    return [text for text in texts if detector(text)]
