"""The phase machine: the order a retro runs in, and which steps back make sense."""

from enum import StrEnum


class Phase(StrEnum):
    REVIEW = "review"
    CHECK_IN = "check_in"
    WRITE = "write"
    GROUP = "group"
    VOTE = "vote"
    DISCUSS = "discuss"
    ACTIONS = "actions"
    CLOSE = "close"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def instruction(self) -> str:
        """What a phone tells its participant to do now."""
        return _INSTRUCTIONS[self]

    @property
    def hint(self) -> str:
        """The facilitator's one-line hint, drawn from the four compassionate behaviours."""
        return _HINTS[self]


FLOW: tuple[Phase, ...] = (
    Phase.REVIEW,
    Phase.CHECK_IN,
    Phase.WRITE,
    Phase.GROUP,
    Phase.VOTE,
    Phase.DISCUSS,
    Phase.ACTIONS,
    Phase.CLOSE,
)
"""The phases a facilitator moves through. ENDED follows CLOSE and is final."""

ORDER: tuple[Phase, ...] = (*FLOW, Phase.ENDED)

STEPS_BACK: frozenset[tuple[Phase, Phase]] = frozenset(
    {
        (Phase.CHECK_IN, Phase.REVIEW),
        (Phase.WRITE, Phase.REVIEW),
        (Phase.WRITE, Phase.CHECK_IN),
        (Phase.VOTE, Phase.GROUP),
        (Phase.ACTIONS, Phase.DISCUSS),
        (Phase.CLOSE, Phase.DISCUSS),
        (Phase.CLOSE, Phase.ACTIONS),
    }
)
"""Backward moves that make sense. Nothing steps back past the reveal or past the vote totals:
what was shown stays shown. Vote → Group is further limited to before the first dot (see rules)."""

_LABELS = {
    Phase.REVIEW: "Review",
    Phase.CHECK_IN: "Check-in",
    Phase.WRITE: "Write",
    Phase.GROUP: "Reveal & group",
    Phase.VOTE: "Vote",
    Phase.DISCUSS: "Discuss",
    Phase.ACTIONS: "Actions",
    Phase.CLOSE: "Close",
    Phase.ENDED: "Ended",
}

_INSTRUCTIONS = {
    Phase.REVIEW: "We start with the actions from last time. Follow along.",
    Phase.CHECK_IN: "How are you, really? Your answers are anonymous.",
    Phase.WRITE: "Write what you noticed. Nobody sees it until the reveal.",
    Phase.GROUP: "Everything is revealed. The facilitator is grouping related items.",
    Phase.VOTE: "Spend your dots on what matters most to talk about.",
    Phase.DISCUSS: "We talk through the topics, most voted first.",
    Phase.ACTIONS: "Follow the actions as they are recorded.",
    Phase.CLOSE: "Was this retro worth your time? Then take a moment for yourself.",
    Phase.ENDED: "The retro has ended. Thank you.",
}

_HINTS = {
    Phase.REVIEW: "Helping: celebrate what got done; carry over without blame.",
    Phase.CHECK_IN: "Attending: notice how people are, before what they did.",
    Phase.WRITE: "Attending: give people quiet time; notice difficulties, your own and others'.",
    Phase.GROUP: "Understanding: group by meaning, keep people's words.",
    Phase.VOTE: "Empathising: what matters most to others?",
    Phase.DISCUSS: "Listen to understand; tune in to feelings of concern.",
    Phase.ACTIONS: "Helping: one owner and a date for each action.",
    Phase.CLOSE: "What have I learned? Who will I discuss this with? How can I help?",
    Phase.ENDED: "Thank people for their time and honesty.",
}

CLOSING_QUESTIONS: tuple[str, ...] = (
    "What have I learned?",
    "Who will I discuss this with?",
    "How can I help to change things for the better where I work?",
)


def next_phase(phase: Phase) -> Phase | None:
    index = ORDER.index(phase)
    return ORDER[index + 1] if index + 1 < len(ORDER) else None


def previous_phase(phase: Phase) -> Phase | None:
    """The nearest earlier phase that a step back may go to, if any."""
    for earlier in reversed(ORDER[: ORDER.index(phase)]):
        if (phase, earlier) in STEPS_BACK:
            return earlier
    return None


def is_forward(current: Phase, target: Phase) -> bool:
    return ORDER.index(target) > ORDER.index(current)


def is_past(current: Phase, milestone: Phase) -> bool:
    return ORDER.index(current) > ORDER.index(milestone)
