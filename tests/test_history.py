"""A team's history: open actions flow into the next Review; the check-in trend respects the threshold."""

from datetime import date

from retro.actors import Facilitator, Participant
from retro.builtin_templates import DEFAULT_TEMPLATE
from retro.commands import AnswerCheckIn, ChangePhase, RecordAction, ReviewAction, ReviewOutcome
from retro.history import check_in_trend, history_rows
from retro.launch import open_session
from retro.phases import Phase
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from retro.views import board_view

FACILITATOR = Facilitator()


def new_retro(store: SqliteStore, title: str, team: str = "Ward 7") -> Session:
    return open_session(
        store, resume=False, title=title, team=team, template=DEFAULT_TEMPLATE, settings=RetroSettings()
    )


def record(session: Session, *texts: str) -> None:
    session.execute(FACILITATOR, ChangePhase(to=Phase.ACTIONS))
    for text in texts:
        session.execute(FACILITATOR, RecordAction(text=text, owner="Priya", due=date(2026, 12, 4)))


def check_in(session: Session, *values: int) -> None:
    session.execute(FACILITATOR, ChangePhase(to=Phase.CHECK_IN))
    for n, value in enumerate(values):
        session.execute(Participant(f"phone-{n}"), AnswerCheckIn(question_id="motivation", value=value))


def test_open_actions_open_the_next_review_until_done_or_dropped(store: SqliteStore) -> None:
    first = new_retro(store, "Sprint 41")
    record(first, "Checklist", "Quiet room", "Rota")
    first.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))

    second = new_retro(store, "Sprint 42")
    review = board_view(second.state).review
    assert [(item.text, item.from_title, item.outcome) for item in review] == [
        ("Checklist", "Sprint 41", None),
        ("Quiet room", "Sprint 41", None),
        ("Rota", "Sprint 41", None),
    ]
    outcomes = (ReviewOutcome.DONE, ReviewOutcome.CARRIED_OVER, ReviewOutcome.DROPPED)
    for item, outcome in zip(review, outcomes, strict=True):
        second.execute(FACILITATOR, ReviewAction(ref=item.ref, outcome=outcome))
    record(second, "Pairing")

    third = new_retro(store, "Sprint 43")
    assert [item.text for item in board_view(third.state).review] == ["Quiet room", "Pairing"]
    assert board_view(new_retro(store, "Other team", team="Ward 8").state).review == ()


def test_history_rows_count_items_actions_and_hide_thin_check_ins(store: SqliteStore) -> None:
    first = new_retro(store, "Sprint 41")
    check_in(first, 6, 7, 8)
    record(first, "Checklist", "Quiet room")
    second = new_retro(store, "Sprint 42")
    check_in(second, 9, 9)
    second.execute(FACILITATOR, ChangePhase(to=Phase.REVIEW))
    second.execute(
        FACILITATOR, ReviewAction(ref=board_view(second.state).review[0].ref, outcome=ReviewOutcome.DONE)
    )

    rows = history_rows(store, "Ward 7")
    assert [(r.title, r.check_in_mean, r.actions_open, r.actions_done) for r in rows] == [
        ("Sprint 41", 7.0, 1, 1),
        ("Sprint 42", None, 0, 0),
    ]
    assert check_in_trend(store, "Ward 7") == [7.0, None]
    assert history_rows(store, "Nobody") == []
