"""Who asks for a change. A participant is known only by a per-retro pseudonym."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Facilitator:
    pass


@dataclass(frozen=True)
class Participant:
    pseudonym: str
    """HMAC of the phone's secret under the retro's key: see retro.secrets.pseudonym."""


Actor = Facilitator | Participant
