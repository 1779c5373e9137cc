"""Property-based fuzzing of the server's websocket door, over one real server and loopback port per test.

Random and mutated-valid frames from a phone (before and after its hello) and from the facilitator (random
HTTP requests are in test_http_fuzz.py). Whatever arrives: every reply is valid per the server message
schema with a documented error code, one reply per message, nothing is closed with 1011, nothing prints or
logs a traceback, and nothing a rule forbids is applied (checked on the session's state afterwards).
"""

from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retro.actors import Facilitator
from retro.commands import ChangePhase
from retro.events import ItemAdded, ItemWithdrawn, VoteCast, VoteRetracted
from retro.phases import Phase
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.text import MAX_ITEM_CHARS
from server.app import RetroServer
from tests.support.client import Client
from tests.support.doors import LogWatch
from tests.support.fuzzing import (
    BYSTANDER_TEXTS,
    FACILITATES,
    FUZZ,
    PHONE_VOTES,
    PHONE_WRITES,
    answered_one_by_one,
    assert_replays_to_the_same_state,
    bystander_items,
    every_message,
    frames,
    mutated,
    new_events,
    random_frames,
    server_for,
    welcomed_or_turned_away,
)


@pytest.fixture
async def voting(store: SqliteStore) -> AsyncIterator[RetroServer]:
    """A retro in Vote: three topics revealed, one phone has cast one of its three dots."""
    session = Session.start(store, title="Fuzz", team="Ward 7")
    session.execute(Facilitator(), ChangePhase(to=Phase.WRITE))
    server = await server_for(session)
    bystander = await Client.join(server.websocket_url)
    for text in BYSTANDER_TEXTS:
        await bystander.add_item(text)
    session.execute(Facilitator(), ChangePhase(to=Phase.GROUP))
    session.execute(Facilitator(), ChangePhase(to=Phase.VOTE))
    await bystander.command(kind="cast_vote", topic_id=next(iter(session.state.topics)))
    await bystander.close()
    yield server
    await server.stop()


@FUZZ
@given(data=st.data())
async def test_any_first_frame_gets_a_welcome_or_a_documented_refusal_and_a_policy_close(
    server: RetroServer, logs: LogWatch, data: st.DataObject
) -> None:
    valid = every_message(list(server.session.state.items), server.session.record.facilitator_key)
    frame = (
        data.draw(random_frames)
        if data.draw(st.booleans())
        else mutated(data, data.draw(st.sampled_from(valid)))
    )
    await welcomed_or_turned_away(server.websocket_url, frame)
    assert server.session.state.phase is Phase.WRITE
    assert server.session.state.items == {}
    logs.assert_quiet()


@FUZZ
@given(data=st.data())
async def test_a_phone_in_write_gets_an_answer_to_everything_and_can_only_write(
    server: RetroServer, store: SqliteStore, logs: LogWatch, data: st.DataObject
) -> None:
    session = server.session
    theirs = await bystander_items(server)
    token, before = session.record.join_token, len(store.events(session.record.retro_id))
    valid = every_message(list(theirs), "not-the-facilitator-key")
    sent = frames(data, valid, most=6, kinds=PHONE_WRITES)
    await answered_one_by_one(server.websocket_url, sent, secret="the-fuzzing-phone-secret-01")

    state = session.state
    assert all(isinstance(event, ItemAdded | ItemWithdrawn) for event in new_events(store, session, before))
    assert {item_id: state.items[item_id].text for item_id in theirs} == theirs, "others' items untouched"
    assert (state.phase, state.joining_locked, session.record.join_token) == (Phase.WRITE, False, token)
    assert (state.held, state.claimed, state.ballots, state.check_in, state.roti) == ({}, {}, {}, {}, {})
    assert (state.topics, state.notes, state.actions) == ({}, [], {})
    for item in state.items.values():
        assert (
            item.text.strip()
            and len(item.text) <= MAX_ITEM_CHARS
            and item.prompt_id in {"hard", "learning", "help"}
        )
    assert_replays_to_the_same_state(store, session)
    logs.assert_quiet()


@FUZZ
@given(data=st.data())
async def test_a_phone_in_vote_gets_an_answer_to_everything_and_never_exceeds_its_dots(
    voting: RetroServer, store: SqliteStore, logs: LogWatch, data: st.DataObject
) -> None:
    session = voting.session
    settings_, items_before = session.state.settings, dict(session.state.items)
    ballots_before = {ballot: dict(votes) for ballot, votes in session.state.ballots.items()}
    before = len(store.events(session.record.retro_id))
    valid = every_message(list(session.state.topics), "not-the-facilitator-key")
    sent = frames(data, valid, most=6, kinds=PHONE_VOTES)
    fuzzer = session.pseudonym_for("the-fuzzing-phone-secret-02")
    await answered_one_by_one(voting.websocket_url, sent, secret="the-fuzzing-phone-secret-02")

    state = session.state
    assert all(isinstance(event, VoteCast | VoteRetracted) for event in new_events(store, session, before))
    assert {b: dict(v) for b, v in state.ballots.items() if b != fuzzer} == {
        b: v for b, v in ballots_before.items() if b != fuzzer
    }, "nobody else's dots moved"
    for votes in state.ballots.values():
        assert sum(votes.values()) <= settings_.votes_per_person
        assert all(0 <= count <= settings_.max_votes_per_topic for count in votes.values())
    assert (state.phase, state.items, state.notes, state.actions) == (Phase.VOTE, items_before, [], {})
    assert_replays_to_the_same_state(store, session)
    logs.assert_quiet()


@FUZZ
@given(data=st.data())
async def test_the_facilitator_gets_one_documented_answer_to_every_frame(
    server: RetroServer, store: SqliteStore, logs: LogWatch, data: st.DataObject
) -> None:
    session = server.session
    theirs = await bystander_items(server)
    ids = list(theirs) + list(session.state.topics) + list(session.state.actions)
    key = session.record.facilitator_key
    sent = frames(data, every_message(ids, key), most=6, kinds=FACILITATES)
    await answered_one_by_one(server.websocket_url, sent, key=key)

    state = session.state
    assert all(
        state.items[item_id].text == text for item_id, text in theirs.items() if item_id in state.items
    ), "the facilitator cannot change what a phone wrote"
    assert_replays_to_the_same_state(store, session)
    logs.assert_quiet()
