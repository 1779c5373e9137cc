"""The facilitator's view counts the phones that have voted: a count, never who, and nothing after the end."""

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, CastVote, ChangePhase, RetractVote
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session
from retro.views import facilitator_view


def voting(session: Session) -> list[str]:
    for text in ("Handovers run late", "Checklists help"):
        session.execute(
            Participant("writer"), AddItem(prompt_id="hard", text=text, owner_hash=owner_hash(text * 2))
        )
    session.execute(Facilitator(), ChangePhase(to=Phase.GROUP))
    session.execute(Facilitator(), ChangePhase(to=Phase.VOTE))
    return list(session.state.topic_order)


def test_a_phone_counts_once_it_has_a_dot_down_and_not_once_it_takes_them_all_back(session: Session) -> None:
    first, second = voting(session)
    assert facilitator_view(session.state).phones_voted == 0
    session.execute(Participant("a"), CastVote(topic_id=first))
    session.execute(Participant("a"), CastVote(topic_id=second))
    assert facilitator_view(session.state).phones_voted == 1
    session.execute(Participant("b"), CastVote(topic_id=first))
    assert facilitator_view(session.state).phones_voted == 2
    session.execute(Participant("b"), RetractVote(topic_id=first))
    assert facilitator_view(session.state).phones_voted == 1


def test_the_count_says_nothing_once_the_retro_has_ended(session: Session) -> None:
    first, _ = voting(session)
    session.execute(Participant("a"), CastVote(topic_id=first))
    session.execute(Facilitator(), ChangePhase(to=Phase.ENDED))
    view = facilitator_view(session.state)
    assert view.phones_voted == 0
    assert "ballot" not in view.model_dump_json()
