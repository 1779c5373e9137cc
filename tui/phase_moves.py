"""Where `n` and `p` lead from a phase, and which moves ask first."""

from typing import TYPE_CHECKING

from retro.phases import ORDER, Phase, is_past, next_phase, previous_phase

if TYPE_CHECKING:
    from retro.views import BoardView


def forward_target(phase: Phase) -> Phase | None:
    return next_phase(phase)


def backward_target(phase: Phase) -> Phase | None:
    """The step back the phase machine allows; else the phase just before, so the rules can say why not."""
    allowed = previous_phase(phase)
    if allowed is not None:
        return allowed
    index = ORDER.index(phase)
    return ORDER[index - 1] if index > 0 else None


def confirmation(board: "BoardView", target: Phase) -> tuple[str, str] | None:
    """A question and its consequence, for the moves that cannot be undone."""
    if not board.revealed and is_past(target, Phase.WRITE):
        return "Reveal all items now?", REVEAL_DETAIL
    if target is Phase.ENDED:
        return (
            "End the retro?",
            "Phones can no longer take part. Per-person answers and pseudonyms are erased; "
            "only the totals are kept. This cannot be undone.",
        )
    return None


REVEAL_DETAIL = (
    "Every item appears on this screen and on every phone, in shuffled order. "
    "Writing closes, and this cannot be undone."
)
"""Says nothing of held items: this screen may be projected, and the room must not learn that anything
was held. The screening screen, which is private, reminds the facilitator instead."""
