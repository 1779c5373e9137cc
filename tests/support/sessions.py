"""A session with fixed tokens, so that URLs and QR codes are the same on every run."""

from datetime import date

from retro.builtin_templates import COMPASSIONATE
from retro.events import RetroStarted
from retro.records import RetroRecord
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore

FIXED_JOIN_TOKEN = "JoinToken-ForTests-0001"
FIXED_FACILITATOR_KEY = "FacilitatorKey-ForTests-01"


def start_fixed_session(store: SqliteStore, *, title: str = "Sprint 42", team: str = "Ward 7") -> Session:
    """A session whose tokens are fixed, so that URLs and QR codes are the same on every run."""
    record = RetroRecord(
        retro_id="0123456789abcdef",
        title=title,
        team=team,
        created_on=date(2026, 11, 27),
        join_token=FIXED_JOIN_TOKEN,
        facilitator_key=FIXED_FACILITATOR_KEY,
        retro_key=b"k" * 32,
    )
    started = RetroStarted(
        title=title, team=team, created_on=record.created_on, template=COMPASSIONATE, settings=RetroSettings()
    )
    store.create_retro(record, [started])
    return Session.resume(store, record)
