"""The phase machine: which phases a retro passes through, in order."""

from enum import StrEnum


class Phase(StrEnum):
    WRITE = "write"
    VOTE = "vote"
    ACTIONS = "actions"
    CLOSED = "closed"

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


FLOW: tuple[Phase, ...] = (Phase.WRITE, Phase.VOTE, Phase.ACTIONS, Phase.CLOSED)

_LABELS = {
    Phase.WRITE: "Write",
    Phase.VOTE: "Vote",
    Phase.ACTIONS: "Actions",
    Phase.CLOSED: "Closed",
}

_INSTRUCTIONS = {
    Phase.WRITE: "Write what you noticed. Nobody sees it until the reveal.",
    Phase.VOTE: "Spend your dots on what matters most to talk about.",
    Phase.ACTIONS: "Follow the actions as they are recorded.",
    Phase.CLOSED: "The retro is closed. Thank you.",
}

_HINTS = {
    Phase.WRITE: "Attending: give people quiet time; notice difficulties, your own and others'.",
    Phase.VOTE: "Empathising: what matters most to others?",
    Phase.ACTIONS: "Helping: one owner and a date for each action.",
    Phase.CLOSED: "What have I learned? Who will I discuss this with?",
}


def next_phase(phase: Phase) -> Phase | None:
    index = FLOW.index(phase)
    return FLOW[index + 1] if index + 1 < len(FLOW) else None


def is_forward(current: Phase, target: Phase) -> bool:
    return FLOW.index(target) > FLOW.index(current)
