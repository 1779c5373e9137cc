"""Screening, claims and room moderation in the rules; sealed notices only an author can open."""

import pytest

from retro.actors import Facilitator, Participant
from retro.commands import (
    AddItem,
    ChangePhase,
    ClaimItem,
    HoldItem,
    LockJoining,
    ReleaseItem,
    RewriteItem,
    RotateJoinToken,
    WithdrawItem,
)
from retro.errors import ErrorCode, RuleViolation
from retro.events import ItemAdded
from retro.phases import Phase
from retro.screening import NOTICE_SLOTS, held_notices, new_nonce, seal, unseal
from retro.secrets import owner_hash
from retro.session import Session
from retro.sqlite_store import SqliteStore
from retro.state import replay
from retro.views import board_view, facilitator_view

FACILITATOR = Facilitator()
AUTHOR, OTHER = Participant("author-pseudonym"), Participant("other-pseudonym")


def write(session: Session, text: str, secret: str) -> str:
    event = session.execute(
        AUTHOR, AddItem(prompt_id="learning", text=text, owner_hash=owner_hash(secret))
    ).events[0]
    assert isinstance(event, ItemAdded)
    return event.item_id


def test_the_facilitator_screens_text_with_no_link_and_in_no_telling_order(session: Session) -> None:
    ids = [write(session, f"item {n}", f"secret-number-{n:04d}-abc") for n in range(12)]
    screening = facilitator_view(session.state).screening
    assert [entry.item_id for entry in screening] == sorted(ids)
    assert set(screening[0].model_dump()) == {"item_id", "prompt_id", "text", "held_reason"}
    assert board_view(session.state).topics == (), "phones still see counts only"
    session.execute(FACILITATOR, ChangePhase(to=Phase.GROUP))
    assert facilitator_view(session.state).screening == ()


def test_a_held_item_stays_out_of_the_reveal_and_the_count_does_not_give_it_away(session: Session) -> None:
    kept = write(session, "We found the runbook late", "kept-secret-0123456789")
    held = write(session, "Sam forgot again", "held-secret-0123456789")
    session.execute(FACILITATOR, HoldItem(item_id=held, reason="Names a person"))
    assert board_view(session.state).counts["learning"] == 2
    reasons = {entry.item_id: entry.held_reason for entry in facilitator_view(session.state).screening}
    assert reasons == {kept: None, held: "Names a person"}
    session.execute(FACILITATOR, ChangePhase(to=Phase.GROUP))
    assert [topic.title for topic in board_view(session.state).topics] == ["We found the runbook late"]


def test_only_the_author_can_rewrite_a_held_item_and_that_releases_it(session: Session) -> None:
    held = write(session, "Sam forgot again", "held-secret-0123456789")
    wrong = RewriteItem(item_id=held, item_secret="not-the-secret-at-all", text="x")
    with pytest.raises(RuleViolation) as refused:
        session.execute(OTHER, wrong)
    assert refused.value.code is ErrorCode.NOT_OWNER
    rewrite = RewriteItem(
        item_id=held,
        item_secret="held-secret-0123456789",
        text="Releases slip when one person holds the checklist",
    )
    with pytest.raises(RuleViolation):
        session.execute(AUTHOR, rewrite)
    session.execute(FACILITATOR, HoldItem(item_id=held, reason="Names a person"))
    session.execute(AUTHOR, rewrite)
    assert session.state.held == {}
    session.execute(FACILITATOR, ChangePhase(to=Phase.GROUP))
    assert [topic.title for topic in board_view(session.state).topics] == [rewrite.text]


def test_release_and_withdraw_end_a_hold(session: Session) -> None:
    first = write(session, "first", "first-secret-0123456789")
    second = write(session, "second", "second-secret-012345678")
    for item_id in (first, second):
        session.execute(FACILITATOR, HoldItem(item_id=item_id, reason="Off topic"))
    session.execute(FACILITATOR, ReleaseItem(item_id=first))
    session.execute(AUTHOR, WithdrawItem(item_id=second, item_secret="second-secret-012345678"))
    assert session.state.held == {}
    with pytest.raises(RuleViolation) as refused:
        session.execute(FACILITATOR, ReleaseItem(item_id=first))
    assert refused.value.code is ErrorCode.NOT_FOUND


def test_notices_open_only_for_the_author_and_hide_among_decoys(session: Session) -> None:
    secret = "held-secret-0123456789"
    held = write(session, "Sam forgot again", secret)
    nonce = new_nonce()
    assert len(held_notices(session.state, nonce)) == NOTICE_SLOTS, "decoys even when nothing is held"
    session.execute(FACILITATOR, HoldItem(item_id=held, reason="Names a person — could you reframe it?"))
    notices = held_notices(session.state, nonce)
    assert len(notices) == NOTICE_SLOTS
    mine = owner_hash(secret)
    opened = [reason for notice in notices if (reason := unseal(notice, mine, nonce)) is not None]
    assert opened == ["Names a person — could you reframe it?"]
    assert not [n for n in notices if unseal(n, owner_hash("someone-else-secret-01"), nonce) is not None]
    assert held_notices(session.state, new_nonce()) != notices, "every board looks new"
    assert all("Names a person" not in notice.model_dump_json() for notice in notices)


def test_sealing_round_trips_long_and_non_latin_reasons() -> None:
    reason = "Könnte jemanden identifizieren — 😊 " * 6
    notice = seal(reason, "ab" * 32, "nonce")
    assert unseal(notice, "ab" * 32, "nonce") == reason.encode()[:256].decode(errors="ignore")


def test_an_author_may_claim_one_item_in_discuss(session: Session) -> None:
    secret = "claim-secret-0123456789"
    mine = write(session, "Handover notes went missing", secret)
    other = write(session, "Rota changes", "other-secret-0123456789")
    claim = ClaimItem(item_id=mine, item_secret=secret, name="Priya")
    with pytest.raises(RuleViolation):
        session.execute(AUTHOR, claim)
    session.execute(FACILITATOR, ChangePhase(to=Phase.DISCUSS))
    with pytest.raises(RuleViolation) as refused:
        session.execute(OTHER, ClaimItem(item_id=other, item_secret=secret))
    assert refused.value.code is ErrorCode.NOT_OWNER
    session.execute(AUTHOR, claim)
    assert [(c.item_id, c.name) for c in board_view(session.state).claims] == [(mine, "Priya")]


def test_joining_lock_and_link_rotation_go_through_execute(session: Session, store: SqliteStore) -> None:
    session.execute(FACILITATOR, LockJoining(locked=True))
    assert board_view(session.state).joining_locked
    with pytest.raises(RuleViolation):
        session.execute(FACILITATOR, LockJoining(locked=True))
    old_token = session.record.join_token
    session.execute(FACILITATOR, RotateJoinToken())
    assert session.record.join_token != old_token
    stored = store.record(session.record.retro_id)
    assert stored is not None and stored.join_token == session.record.join_token
    assert old_token not in {e.model_dump_json() for e in store.events(session.record.retro_id)}
    assert replay(session.record.retro_id, store.events(session.record.retro_id)) == session.state


def test_held_items_still_unrevealed_are_forgotten_at_the_end(session: Session) -> None:
    held = write(session, "A held thought nobody saw", "held-secret-0123456789")
    session.execute(FACILITATOR, HoldItem(item_id=held, reason="Names a person"))
    session.execute(FACILITATOR, ChangePhase(to=Phase.ENDED))
    assert held not in session.state.items
    assert all(
        b"A held thought" not in e.model_dump_json().encode()
        for e in session.store.events(session.record.retro_id)
    )
    assert replay(session.record.retro_id, session.store.events(session.record.retro_id)) == session.state


def test_item_ids_do_not_tell_the_order_items_were_written_in(session: Session) -> None:
    ids = [write(session, f"item {n}", f"secret-number-{n:04d}-xyz") for n in range(40)]
    assert ids != sorted(ids) and ids != sorted(ids, reverse=True)  # each 1 in 40! by chance
    assert len({item_id[:4] for item_id in ids}) > 30, "random, not a counter or a clock"
