"""Opening a retro to host: resume the latest open one, or start a new one with the team's review."""

from retro.history import open_actions
from retro.session import Session
from retro.settings import RetroSettings
from retro.store import EventStore
from retro.templates import Template


class NothingToResume(Exception):
    pass


def open_session(
    store: EventStore,
    *,
    resume: bool,
    title: str,
    team: str,
    template: Template,
    settings: RetroSettings,
) -> Session:
    if resume:
        record = store.latest_open_retro()
        if record is None:
            raise NothingToResume("There is no open retro to resume; run `retro host` to start one.")
        return Session.resume(store, record)
    review = open_actions(store, team) if team else ()
    return Session.start(store, title=title, team=team, template=template, settings=settings, review=review)
