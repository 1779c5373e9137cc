"""Opening a retro to host: resume the latest open one, or start a new one."""

from retro.session import Session
from retro.settings import RetroSettings
from retro.store import EventStore


class NothingToResume(Exception):
    pass


def open_session(store: EventStore, *, resume: bool, title: str, team: str, votes: int) -> Session:
    if resume:
        record = store.latest_open_retro()
        if record is None:
            raise NothingToResume("There is no open retro to resume; run `retro host` to start one.")
        return Session.resume(store, record)
    settings = RetroSettings(votes_per_person=votes, max_votes_per_item=votes)
    return Session.start(store, title=title, team=team, settings=settings)
