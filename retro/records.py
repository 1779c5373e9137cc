"""What the store keeps about a retro besides its events: its secrets and where phones reach it."""

from datetime import date

from pydantic import BaseModel, ConfigDict

from retro.text import CleanLine


class RetroRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    retro_id: str
    title: CleanLine
    team: CleanLine
    created_on: date
    join_token: str
    facilitator_key: str
    retro_key: bytes | None
    """Key for participant pseudonyms; None once the retro has closed and forgotten them."""
    port: int | None = None
    """The port phones were told, so that a resumed retro answers on the same URL."""
    closed: bool = False
