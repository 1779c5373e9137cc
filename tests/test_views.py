"""The anonymity rules, where they live: the views in retro/views.py, pure functions of state.

Each rule is checked in every view there is: the shared board (every phone, and the projected screen), a
phone's private extra, and the facilitator's view.
"""

import json
from datetime import UTC, datetime
from typing import Any

from retro.actors import Participant
from retro.commands import AnswerCheckIn, AnswerRoti, CastVote
from retro.phases import Phase
from retro.session import Session
from retro.settings import RetroSettings
from retro.sqlite_store import SqliteStore
from retro.state import RetroState
from retro.views import board_view, facilitator_view, private_view
from tests.support.boards import walk_keys
from tests.support.retro_fixtures import PHONES, add_item, go, run_retro

ALICE, BOB = PHONES[0], PHONES[1]
FOUR_PHONES = [*PHONES, Participant("pseudonym-of-phone-3")]
WRITTEN_AT = datetime(2026, 11, 27, 9, 13, 37, 424242, tzinfo=UTC)
"""A time nobody else uses: the clock while items are written, so that any trace of it shows."""
FORBIDDEN_KEYS = {
    "owner_hash",
    "ballot",
    "ballots",
    "pseudonym",
    "secret",
    "author",
    "created_at",
    "written_at",
}


def every_view(state: RetroState) -> dict[str, str]:
    """Each view of the state as it goes out: JSON, by who sees it."""
    views = {
        "board": board_view(state).model_dump_json(),
        "facilitator": facilitator_view(state).model_dump_json(),
    }
    for n, phone in enumerate(PHONES):
        views[f"phone {n}'s private view"] = private_view(state, phone.pseudonym).model_dump_json()
    return views


def words_outside_screening(state: RetroState) -> str:
    """Every view but the facilitator's screening list, the one place words may show before the reveal."""
    facilitator: dict[str, Any] = facilitator_view(state).model_dump(mode="json", exclude={"screening"})
    return "\n".join([board_view(state).model_dump_json(), json.dumps(facilitator)])


def test_no_view_carries_an_owner_hash_a_pseudonym_or_a_time_of_writing(session: Session) -> None:
    session.clock = lambda: WRITTEN_AT
    seen: list[dict[str, str]] = []
    owner_hashes: set[str] = set()

    def look(_events: object) -> None:
        seen.append(every_view(session.state))
        owner_hashes.update(item.owner_hash for item in session.state.items.values() if item.owner_hash)

    session.subscribe(look)
    for n, phone in enumerate(PHONES):
        add_item(session, f"Item {n}", "hard", phone)
    run_retro(session, end=True)

    assert len(seen) > 20 and len(owner_hashes) == 7
    needles = owner_hashes | {phone.pseudonym for phone in PHONES} | {"09:13:37", "424242"}
    leaks = [(who, n) for views in seen for who, dumped in views.items() for n in needles if n in dumped]
    assert leaks == []
    keys = {key for views in seen for dumped in views.values() for key in walk_keys(json.loads(dumped))}
    assert keys & FORBIDDEN_KEYS == set()


def test_before_the_reveal_the_words_show_only_in_the_facilitators_screening(session: Session) -> None:
    texts = ["Night shift handover", "Rota changes at short notice", "Pairing helped"]
    ids = [add_item(session, text, "hard", phone) for text, phone in zip(texts, PHONES, strict=True)]

    outside = words_outside_screening(session.state)
    assert [text for text in texts if text in outside] == []
    assert [item_id for item_id in ids if item_id in outside] == []
    assert board_view(session.state).counts == {"hard": 3, "learning": 0, "help": 0}
    facilitator = facilitator_view(session.state)
    assert facilitator.board.topics == ()
    assert sorted(entry.text for entry in facilitator.screening) == sorted(texts)

    go(session, Phase.GROUP)
    facilitator = facilitator_view(session.state)
    assert facilitator.screening == (), "after the reveal the screening list is gone"
    assert sorted(topic.title for topic in facilitator.board.topics) == sorted(texts)


def test_the_screening_list_is_in_an_order_that_says_nothing_about_writing_order(session: Session) -> None:
    ids = [add_item(session, f"item {n}", "learning") for n in range(30)]
    screened = [entry.item_id for entry in facilitator_view(session.state).screening]
    assert screened == sorted(ids), "by random id"
    assert screened not in (ids, ids[::-1])  # 2 in 30! chance of a false failure


def test_the_reveal_order_is_everyones_and_says_nothing_about_writing_order(session: Session) -> None:
    ids = [add_item(session, f"item {n}", "learning") for n in range(30)]
    go(session, Phase.GROUP)
    shown = [topic.topic_id for topic in board_view(session.state).topics]
    assert shown not in (ids, ids[::-1], sorted(ids))  # 3 in 30! chance of a false failure
    assert [topic.topic_id for topic in facilitator_view(session.state).board.topics] == shown
    go(session, Phase.VOTE)
    assert [topic.topic_id for topic in board_view(session.state).topics] == shown, "fixed at the reveal"


def test_while_people_vote_no_view_holds_a_total_and_each_phone_sees_only_its_own_dots(
    session: Session,
) -> None:
    quiet, loud = add_item(session, "quiet", "learning"), add_item(session, "loud", "learning")
    go(session, Phase.VOTE)
    session.execute(ALICE, CastVote(topic_id=loud))
    session.execute(ALICE, CastVote(topic_id=loud))
    session.execute(BOB, CastVote(topic_id=quiet))

    for board in (board_view(session.state), facilitator_view(session.state).board):
        assert [topic.votes for topic in board.topics] == [None, None]
        assert board.voting_closed is False
    assert private_view(session.state, ALICE.pseudonym).my_votes == {loud: 2}
    assert private_view(session.state, BOB.pseudonym).my_votes == {quiet: 1}
    assert private_view(session.state, PHONES[2].pseudonym).my_votes == {}

    go(session, Phase.DISCUSS)
    totals = [(topic.title, topic.votes) for topic in facilitator_view(session.state).board.topics]
    assert totals == [("loud", 2), ("quiet", 1)]


def test_below_min_responses_no_view_holds_an_aggregate(session: Session) -> None:
    go(session, Phase.CHECK_IN)
    session.execute(ALICE, AnswerCheckIn(question_id="motivation", value=2))
    session.execute(BOB, AnswerCheckIn(question_id="motivation", value=9))
    go(session, Phase.CLOSE)
    session.execute(ALICE, AnswerRoti(value=1))
    session.execute(BOB, AnswerRoti(value=5))

    for board in (board_view(session.state), facilitator_view(session.state).board):
        summaries = [*board.check_in, board.roti]
        assert [(s.answered, s.shown, s.histogram, s.mean) for s in summaries if s is not None] == [
            (2, False, None, None),
            (0, False, None, None),
            (2, False, None, None),
        ]
    go(session, Phase.ENDED)
    ended = board_view(session.state)
    assert (ended.check_in[0].shown, ended.check_in[0].mean) == (False, None), "nor after the end"
    assert ended.roti is not None and (ended.roti.shown, ended.roti.mean) == (False, None)


def test_the_threshold_follows_the_setting(store: SqliteStore) -> None:
    strict = Session.start(store, title="Strict", settings=RetroSettings(min_responses=5))
    go(strict, Phase.CHECK_IN)
    for phone in FOUR_PHONES:
        strict.execute(phone, AnswerCheckIn(question_id="motivation", value=7))
    assert not board_view(strict.state).check_in[0].shown


# --- moved from test_session.py: the same rules, seen through the shared board ---------------------------


def test_items_stay_private_until_the_reveal(session: Session) -> None:
    add_item(session, "We found the runbook late", "learning")
    board = board_view(session.state)
    assert board.counts["learning"] == 1
    assert board.topics == ()
    assert "runbook" not in board.model_dump_json()


def test_reveal_shows_every_item_at_once_in_a_shuffled_order(session: Session) -> None:
    ids = [add_item(session, f"item {n}", "learning") for n in range(30)]
    go(session, Phase.GROUP)
    shown = [topic.items[0].item_id for topic in board_view(session.state).topics]
    assert sorted(shown) == sorted(ids)
    assert shown != ids  # 1 in 30! chance of a false failure


def test_totals_stay_hidden_until_voting_closes_then_topics_come_in_vote_order(session: Session) -> None:
    quiet, loud = add_item(session, "quiet", "learning"), add_item(session, "loud", "learning")
    go(session, Phase.VOTE)
    for phone in FOUR_PHONES:
        session.execute(phone, CastVote(topic_id=loud))
    session.execute(ALICE, CastVote(topic_id=quiet))
    assert {topic.votes for topic in board_view(session.state).topics} == {None}
    go(session, Phase.DISCUSS)
    assert [(t.title, t.votes) for t in board_view(session.state).topics] == [("loud", 4), ("quiet", 1)]


def test_check_in_is_anonymous_and_shown_only_from_three_answers(session: Session) -> None:
    go(session, Phase.CHECK_IN)
    session.execute(ALICE, AnswerCheckIn(question_id="motivation", value=9))
    session.execute(ALICE, AnswerCheckIn(question_id="motivation", value=4))
    session.execute(BOB, AnswerCheckIn(question_id="motivation", value=6))
    [motivation, _supported] = board_view(session.state).check_in
    assert (motivation.answered, motivation.shown, motivation.mean, motivation.histogram) == (
        2,
        False,
        None,
        None,
    )
    assert private_view(session.state, ALICE.pseudonym).my_check_in == {"motivation": 4}
    session.execute(PHONES[2], AnswerCheckIn(question_id="motivation", value=8))
    motivation = board_view(session.state).check_in[0]
    assert motivation.shown and motivation.mean == 6.0
    assert motivation.histogram == (0, 0, 0, 1, 0, 1, 0, 1, 0, 0)


def test_roti_is_anonymous_and_thresholded(session: Session) -> None:
    go(session, Phase.CLOSE)
    board = board_view(session.state)
    assert board.closing_questions == (
        "What have I learned?",
        "Who will I discuss this with?",
        "How can I help to change things for the better where I work?",
    )
    session.execute(ALICE, AnswerRoti(value=5))
    session.execute(BOB, AnswerRoti(value=3))
    roti = board_view(session.state).roti
    assert roti is not None and (roti.answered, roti.shown) == (2, False)
    session.execute(PHONES[2], AnswerRoti(value=4))
    roti = board_view(session.state).roti
    assert roti is not None and roti.mean == 4.0 and roti.histogram == (0, 0, 1, 1, 1)
