"""A retro run through every phase by the one command path, for export tests to render."""

from datetime import date

from retro.actors import Facilitator, Participant
from retro.commands import (
    AddItem,
    AddNote,
    AnswerCheckIn,
    AnswerRoti,
    CastVote,
    ChangePhase,
    MergeTopics,
    RecordAction,
)
from retro.events import ItemAdded
from retro.outcome import RetroOutcome, outcome_of
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session

PHONES = [Participant(f"pseudonym-of-phone-{n}") for n in range(3)]
FACILITATOR = Facilitator()
NASTY = "Sam | *bold* _it_ [link](http://x) <img src=x onerror=alert(1)> # & ~"
FORMULA = '=HYPERLINK("http://evil.example","click")'


def add_item(session: Session, text: str, prompt: str, phone: Participant = PHONES[0]) -> str:
    event = session.execute(
        phone, AddItem(prompt_id=prompt, text=text, owner_hash=owner_hash(text * 2))
    ).events[0]
    assert isinstance(event, ItemAdded)
    return event.item_id


def go(session: Session, phase: Phase) -> None:
    session.execute(FACILITATOR, ChangePhase(to=phase))


def run_retro(session: Session, answers: int = 3, end: bool = False) -> None:
    """From Write to Close (or Ended): items, check-in, a merged topic, votes, a note, two actions, ROTI."""
    nasty = add_item(session, NASTY, "learning")
    night = add_item(session, "Night shift handover", "hard")
    rota = add_item(session, "Rota changes at short notice", "hard")
    add_item(session, FORMULA, "help")
    session.execute(FACILITATOR, ChangePhase(to=Phase.CHECK_IN))
    for phone, value in zip(PHONES[:answers], (6, 7, 8), strict=False):
        session.execute(phone, AnswerCheckIn(question_id="motivation", value=value))
    session.execute(FACILITATOR, ChangePhase(to=Phase.GROUP))
    session.execute(FACILITATOR, MergeTopics(topic_ids=(night, rota), title="Handover [and] rota"))
    session.execute(FACILITATOR, ChangePhase(to=Phase.VOTE))
    session.execute(PHONES[0], CastVote(topic_id=nasty))
    session.execute(PHONES[1], CastVote(topic_id=nasty))
    session.execute(FACILITATOR, ChangePhase(to=Phase.DISCUSS))
    session.execute(FACILITATOR, AddNote(topic_id=nasty, text="Checklists *help*"))
    session.execute(
        FACILITATOR, RecordAction(text="Write | the <runbook>", owner="Sam", due=date(2026, 12, 4))
    )
    session.execute(
        FACILITATOR,
        RecordAction(text="-2 hours of overtime", owner="+Priya", due=date(2026, 12, 11), topic_id=nasty),
    )
    session.execute(FACILITATOR, ChangePhase(to=Phase.CLOSE))
    for phone in PHONES[:answers]:
        session.execute(phone, AnswerRoti(value=4))
    if end:
        session.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))


def write_counted_items(session: Session) -> dict[str, str]:
    """One item under the first prompt, two under the second, none under the third: ids by text."""
    return {text: add_item(session, text, prompt) for text, prompt in COUNTED_ITEMS}


def vote_counted_topics(session: Session, ids: dict[str, str]) -> None:
    """0, 1 and 2 votes, shown once voting has closed."""
    session.execute(FACILITATOR, ChangePhase(to=Phase.GROUP))
    session.execute(FACILITATOR, ChangePhase(to=Phase.VOTE))
    for text, votes in (("hard 1", 1), ("learning 1", 2)):
        for _ in range(votes):
            session.execute(PHONES[0], CastVote(topic_id=ids[text]))
    session.execute(FACILITATOR, ChangePhase(to=Phase.DISCUSS))


COUNTED_ITEMS = (("hard 1", "hard"), ("learning 1", "learning"), ("learning 2", "learning"))


def ran_outcome(session: Session) -> RetroOutcome:
    """The outcome of a retro run from Write to Close."""
    run_retro(session)
    return outcome_of(session.record.retro_id, session.state)
