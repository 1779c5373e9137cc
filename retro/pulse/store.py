"""What every engine that keeps pulses offers (SQLite's `SqlitePulses`, PostgreSQL's `PostgresPulses`)."""

from typing import Protocol

from retro.pulse.models import PulseAction, PulseAnswer, PulseRecord


class PulseStore(Protocol):
    def create_pulse(self, record: PulseRecord) -> None: ...

    def pulse(self, pulse_id: str) -> PulseRecord | None: ...

    def pulse_for_token(self, join_token: str) -> PulseRecord | None: ...

    def pulses(self, team: str | None = None) -> list[PulseRecord]:
        """Every pulse, oldest first; only the team's when a team is given."""
        ...

    def replace_answers(self, pulse_id: str, ballot: str, answers: list[PulseAnswer]) -> bool:
        """The phone's answers, replacing any it gave before; durable on return. False, and nothing kept, when
        the pulse has closed meanwhile (in this process or another): a closed pulse takes no pseudonym."""
        ...

    def answers_of(self, pulse_id: str, ballot: str) -> list[PulseAnswer]: ...

    def answer_count(self, pulse_id: str) -> int:
        """How many phones have answered: counted by pseudonym while open, as kept at the close after."""
        ...

    def close_pulse(self, pulse_id: str) -> None:
        """In one step: forget the key, keep how many phones answered, drop every pseudonym, so that no two
        answers tie to one phone, and write the answers back in a random order; then compact, leaving no
        trace of what was deleted."""
        ...

    def stored_answers(self, pulse_id: str) -> list[PulseAnswer]:
        """A closed pulse's answers, in the random order they were stored in at close."""
        ...

    def asked_counts(self, team: str) -> dict[str, int]:
        """How often each question has been asked in the team's pulses."""
        ...

    def save_action(self, action: PulseAction) -> None:
        """Keep the action, replacing one with the same id; a replaced action counts as recorded now."""
        ...

    def actions(self, team: str) -> list[PulseAction]:
        """The team's pulse actions, in the order they were recorded."""
        ...

    def action(self, action_id: str) -> PulseAction | None: ...

    def released_rollups(self, week: str) -> list[frozenset[str]]:
        """The groups of teams whose roll-up for the week has been shown."""
        ...

    def release_rollup(self, week: str, teams: frozenset[str]) -> None: ...
