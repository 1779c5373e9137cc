"""Opening a retro to host: resume the latest open one, or start a new one with the team's review. Either way
its end keeps what the team chose to keep."""

from retro.builtin_templates import DEFAULT_TEMPLATE
from retro.history import open_actions
from retro.outcome import outcome_of
from retro.pulse.latest import latest_glance
from retro.records import RetroRecord
from retro.retention import Keep, forget_outcome, retention_of
from retro.session import Session, forget_who_is_who
from retro.settings import RetroSettings
from retro.state import RetroState
from retro.store import EventStore
from retro.templates import Template


class NothingToResume(Exception):
    pass


def erase_as_the_team_keeps(store: EventStore, retro_id: str, state: RetroState) -> None:
    """The end of a retro of a team that keeps only outcomes forgets its raw items, from the state in memory,
    in the same single step that forgets who is who; any other retro keeps them."""
    if retention_of(store, state.team) is Keep.OUTCOME:
        forget_outcome(store, outcome_of(retro_id, state))
    else:
        forget_who_is_who(store, retro_id, state)


def start_session(
    store: EventStore,
    *,
    title: str,
    team: str = "",
    template: Template = DEFAULT_TEMPLATE,
    settings: RetroSettings | None = None,
    join_token: str | None = None,
) -> Session:
    """A new retro, reviewing the actions that the team's earlier retros left open."""
    review = open_actions(store, team) if team else ()
    return Session.start(
        store,
        title=title,
        team=team,
        template=template,
        settings=settings,
        review=review,
        pulse=latest_glance(store.pulses, team),
        erase=erase_as_the_team_keeps,
        join_token=join_token,
    )


def resume_session(store: EventStore, record: RetroRecord) -> Session:
    return Session.resume(store, record, erase=erase_as_the_team_keeps)


def open_session(
    store: EventStore,
    *,
    resume: bool,
    title: str,
    team: str,
    template: Template,
    settings: RetroSettings,
    join_token: str | None = None,
) -> Session:
    """`join_token` is a new retro's, chosen beforehand; a resumed retro keeps its own."""
    if not resume:
        return start_session(
            store, title=title, team=team, template=template, settings=settings, join_token=join_token
        )
    record = store.latest_open_retro()
    if record is None:
        raise NothingToResume("There is no open retro to resume; run `retro host` to start one.")
    return resume_session(store, record)
