"""Which bank statements a pulse asks: a pinned one first, then the least asked, spread over the needs."""

from collections.abc import Mapping, Sequence

from retro.pulse.questions import Need, PulseQuestion

ROTATING = 3
"""How many bank statements each pulse asks after the motivation question."""


class UnknownQuestion(ValueError):
    pass


def choose(
    bank: Sequence[PulseQuestion], asked: Mapping[str, int], pinned: str | None = None, count: int = ROTATING
) -> tuple[PulseQuestion, ...]:
    """Deterministic: the pinned statement, then the least asked by the team so far; among equally asked ones,
    those whose need is not yet chosen come first; ties keep the bank's order."""
    chosen: list[PulseQuestion] = []
    if pinned is not None:
        match = next((question for question in bank if question.id == pinned), None)
        if match is None:
            known = ", ".join(question.id for question in bank)
            raise UnknownQuestion(f"No question {pinned!r} in the bank; its questions are {known}.")
        chosen.append(match)
    while len(chosen) < min(count, len(bank)):
        needs: set[Need] = {question.need for question in chosen}
        left = [(index, question) for index, question in enumerate(bank) if question not in chosen]
        _, best = min(left, key=lambda entry: (asked.get(entry[1].id, 0), entry[1].need in needs, entry[0]))
        chosen.append(best)
    return tuple(chosen)
