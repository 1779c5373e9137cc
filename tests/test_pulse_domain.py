"""The pulse's domain on a real SQLite file: rotation, answers, thresholds, erasure at close, the trend."""

import secrets
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from retro.pulse.actions import record_action, set_status, you_said_we_did
from retro.pulse.bank import BUILT_IN_BANK
from retro.pulse.lifecycle import answer, close_due, close_pulse, my_answers, open_pulse
from retro.pulse.models import PulseAnswer, PulseRecord, PulseRefused
from retro.pulse.questions import FreeTextQuestion, Need, PulseQuestion
from retro.pulse.results import results
from retro.pulse.rollups import rollup
from retro.pulse.rotation import choose
from retro.pulse.trend import trend
from retro.secrets import pseudonym
from retro.sqlite_store import SqliteStore
from tests.support.whole_retro import file_bytes

MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def answered(
    store: SqliteStore, record: PulseRecord, phones: int, value: int = 7, text: str = ""
) -> list[str]:
    secrets_used = []
    for phone in range(phones):
        secret = secrets.token_urlsafe(24)
        given = [
            PulseAnswer(question_id=q.id, value=min(value + phone % 2, q.high)) for q in record.questions
        ]
        if text:
            given.append(PulseAnswer(question_id="help", text=f"{text} {phone}"))
        answer(store.pulses, record, secret, given)
        secrets_used.append(secret)
    return secrets_used


def test_each_pulse_asks_motivation_then_the_least_asked_statements_spread_over_needs(
    store: SqliteStore,
) -> None:
    asked: list[tuple[str, ...]] = []
    for week in range(6):
        record = open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=week))
        assert record.questions[0].id == "motivation"
        asked.append(tuple(question.id for question in record.questions[1:]))
    flat = [question_id for chosen in asked for question_id in chosen]
    assert len(flat) == len(set(flat)) == 18, "six pulses ask all eighteen statements once, least-asked first"
    for chosen in asked:
        needs = {next(q.need for q in BUILT_IN_BANK if q.id == question_id) for question_id in chosen}
        assert len(needs) == 3, "one pulse's three statements come from three needs"
    seventh = open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=6))
    assert tuple(q.id for q in seventh.questions[1:]) == asked[0], "then round again, in the same order"


def test_choose_takes_the_least_asked_then_a_need_not_yet_chosen_then_the_bank_order() -> None:
    def q(question_id: str, need: Need) -> PulseQuestion:
        return PulseQuestion(id=question_id, text=question_id, need=need)

    bank = (
        q("a1", Need.AUTONOMY),
        q("a2", Need.AUTONOMY),
        q("b1", Need.BELONGING),
        q("w1", Need.WORKLOAD),
        q("s1", Need.SUPPORT),
    )

    def ids(chosen: tuple[PulseQuestion, ...]) -> list[str]:
        return [question.id for question in chosen]

    assert ids(choose(bank, {})) == ["a1", "b1", "w1"], "never asked: one per need, in bank order"
    assert ids(choose(bank, {"a1": 2, "b1": 1, "w1": 1})) == ["a2", "s1", "b1"]
    assert ids(choose(bank, {"a1": 1, "a2": 1, "b1": 1, "w1": 1, "s1": 1}, count=5)) == [
        "a1", "b1", "w1", "s1", "a2"
    ]  # fmt: skip
    assert ids(choose(bank, {"s1": 9}, pinned="s1")) == ["s1", "a1", "b1"], (
        "the pinned one, however often asked"
    )
    assert ids(choose(bank[:2], {})) == ["a1", "a2"], "a bank smaller than the count gives what it has"
    assert choose(bank, {"a1": 3}) == choose(bank, {"a1": 3}), "deterministic"


def test_a_pinned_statement_comes_first_and_an_unknown_one_is_refused(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, pinned="safe-to-speak")
    assert [q.id for q in record.questions[:2]] == ["motivation", "safe-to-speak"]
    with pytest.raises(PulseRefused, match="No question 'nope' in the bank"):
        open_pulse(store.pulses, team="Ward 7", now=MONDAY, pinned="nope")
    assert choose(BUILT_IN_BANK, {}, count=2)[1].need is not choose(BUILT_IN_BANK, {}, count=2)[0].need


def test_answering_again_replaces_and_bad_answers_are_refused_in_a_sentence(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    secret = "phone-secret-" + "a" * 20
    answer(store.pulses, record, secret, [PulseAnswer(question_id="motivation", value=3)])
    answer(store.pulses, record, secret, [PulseAnswer(question_id="motivation", value=9)])
    assert my_answers(store.pulses, record, secret) == [PulseAnswer(question_id="motivation", value=9)]
    assert store.pulses.answer_count(record.pulse_id) == 1
    for bad, sentence in (
        ([PulseAnswer(question_id="motivation", value=11)], "motivation: give a number from 1 to 10."),
        ([PulseAnswer(question_id="elsewhere", value=1)], "elsewhere: this pulse does not ask that."),
        ([PulseAnswer(question_id="motivation", text="words")], "motivation: give a number from 1 to 10."),
        ([], "Answer at least one question."),
        ([PulseAnswer(question_id="help", value=3)], "help: answer in words."),
        (
            [PulseAnswer(question_id="motivation", value=2), PulseAnswer(question_id="motivation", value=4)],
            "motivation: answered twice in one go.",
        ),
    ):
        with pytest.raises(PulseRefused) as refused:
            answer(store.pulses, record, secret, bad)
        assert refused.value.message == sentence
    assert my_answers(store.pulses, record, secret) == [PulseAnswer(question_id="motivation", value=9)]


def test_a_pulse_without_the_open_question_refuses_free_text(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, free_text=None)
    with pytest.raises(PulseRefused, match="help: this pulse does not ask that."):
        answer(store.pulses, record, "phone-secret", [PulseAnswer(question_id="help", text="More staff")])
    assert store.pulses.answer_count(record.pulse_id) == 0


def test_a_bank_whose_ids_clash_with_the_pulses_own_or_each_other_is_refused(store: SqliteStore) -> None:
    ours = PulseQuestion(id="rota-fair", text="The rota was fair.", need=Need.WORKLOAD)
    for clash in ("motivation", "help", "rota-fair"):
        bank = (ours, PulseQuestion(id=clash, text="Another", need=Need.SUPPORT))
        with pytest.raises(
            PulseRefused, match=f"an id of its own, other than help and motivation: rename {clash}."
        ):
            open_pulse(store.pulses, team="Ward 7", now=MONDAY, bank=bank)
    own_free_text = FreeTextQuestion(id="asks", text="Anything else?")
    bank = (ours, ours.model_copy(update={"id": "asks"}))
    with pytest.raises(PulseRefused, match="rename asks"):
        open_pulse(store.pulses, team="Ward 7", now=MONDAY, bank=bank, free_text=own_free_text)
    assert store.pulses.pulses("Ward 7") == []


def test_results_hold_the_threshold_per_question_and_for_free_text(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    with pytest.raises(PulseRefused, match="once the pulse has closed"):
        results(store.pulses, record.pulse_id)
    answered(store, record, phones=5, text="More time for handover")
    few = secrets.token_urlsafe(24)  # answers one statement only: that one reaches 6, the others stay at 5
    answer(store.pulses, record, few, [PulseAnswer(question_id=record.questions[1].id, value=2)])
    close_pulse(store.pulses, record.pulse_id)
    shown = results(store.pulses, record.pulse_id)
    assert shown.answered == 6
    assert all(summary.shown and summary.mean is not None for summary in shown.summaries)
    assert shown.comments is not None and len(shown.comments) == 5

    small = open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=1))
    answered(store, small, phones=4, text="Nothing")
    close_pulse(store.pulses, small.pulse_id)
    hidden = results(store.pulses, small.pulse_id)
    assert hidden.answered == 4
    assert all(not s.shown and s.mean is None and s.histogram is None for s in hidden.summaries)
    assert hidden.comments is None and hidden.comments_written == 4


def test_each_question_and_the_free_text_meet_the_threshold_on_their_own(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    skipped = record.questions[2].id
    for phone in range(6):
        given = [
            PulseAnswer(question_id=q.id, value=3) for q in record.questions if phone < 4 or q.id != skipped
        ]
        if phone < 4:
            given.append(PulseAnswer(question_id="help", text=f"More handover time {phone}"))
        answer(store.pulses, record, f"phone-{phone}-" + "s" * 20, given)
    close_pulse(store.pulses, record.pulse_id)
    shown = results(store.pulses, record.pulse_id)
    assert shown.answered == 6
    assert {s.question_id: (s.answered, s.shown) for s in shown.summaries} == {
        q.id: (4, False) if q.id == skipped else (6, True) for q in record.questions
    }
    hidden = next(s for s in shown.summaries if s.question_id == skipped)
    assert hidden.mean is None and hidden.histogram is None
    assert shown.comments is None and shown.comments_written == 4, "four wrote: under five, nothing shows"


def test_comments_come_back_shuffled_and_say_when_they_point_at_a_person(store: SqliteStore) -> None:
    written = tuple(f"Comment {phone}" for phone in range(8))
    orders = []
    for week in range(4):
        record = open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=week))
        answered(store, record, phones=8, text="Comment")
        close_pulse(store.pulses, record.pulse_id)
        comments = results(store.pulses, record.pulse_id).comments
        assert comments is not None and sorted(c.text for c in comments) == sorted(written)
        orders.append(tuple(comment.text for comment in comments))
    assert orders.count(written) < len(orders), "the written order does not survive close"  # 1 in 8!^4
    assert len(set(orders)) > 1
    blaming = open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=5))
    answered(store, blaming, phones=5, text="Sam forgot the handover again")
    close_pulse(store.pulses, blaming.pulse_id)
    comments = results(store.pulses, blaming.pulse_id).comments
    assert comments is not None and all(comment.points_at_person for comment in comments)


def test_closing_leaves_no_pseudonym_no_key_and_no_order_in_the_file(
    store: SqliteStore, db_path: Path
) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    secrets_used = answered(store, record, phones=6)
    assert record.pulse_key is not None
    ballots = [pseudonym(record.pulse_key, secret) for secret in secrets_used]
    before = file_bytes(db_path)
    assert all(ballot.encode() in before for ballot in ballots) and record.pulse_key in before, (
        "the search works"
    )
    close_pulse(store.pulses, record.pulse_id)
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    written = file_bytes(db_path)
    for ballot in ballots:
        assert ballot.encode() not in written
    assert record.pulse_key not in written
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as read_only:
        kept = read_only.execute("SELECT ballot FROM pulse_answers WHERE pulse_id = ?", (record.pulse_id,))
        assert {ballot for (ballot,) in kept} == {None}, "no two answers tie to one phone"
    closed = store.pulses.pulse(record.pulse_id)
    assert closed is not None and closed.closed and closed.pulse_key is None
    assert store.pulses.answer_count(record.pulse_id) == 6, "the count survives"
    with pytest.raises(PulseRefused, match="has closed"):
        answer(store.pulses, closed, secrets_used[0], [PulseAnswer(question_id="motivation", value=5)])


def test_an_answer_that_arrives_after_the_close_is_refused_and_leaves_no_pseudonym(
    store: SqliteStore, db_path: Path
) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    answered(store, record, phones=5)
    close_pulse(store.pulses, record.pulse_id)  # say, by `retro pulse close` in another process
    late = "late-phone-" + "z" * 20
    assert record.pulse_key is not None and not record.closed, "the caller still holds the open pulse"
    with pytest.raises(PulseRefused, match="has closed"):
        answer(store.pulses, record, late, [PulseAnswer(question_id="motivation", value=1)])
    assert store.pulses.answer_count(record.pulse_id) == 5
    store._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert pseudonym(record.pulse_key, late).encode() not in file_bytes(db_path)
    assert [s.answered for s in results(store.pulses, record.pulse_id).summaries][0] == 5


def test_a_file_whose_closed_pulses_kept_respondent_numbers_loses_them_when_opened(db_path: Path) -> None:
    store = SqliteStore(db_path)
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY)
    answered(store, record, phones=6)
    store.close()
    with closing(sqlite3.connect(db_path)) as db, db:  # as an older version left a closed pulse
        ballots = [b for (b,) in db.execute("SELECT DISTINCT ballot FROM pulse_answers")]
        for number, ballot in enumerate(ballots):
            db.execute(
                "UPDATE pulse_answers SET ballot = ? WHERE ballot = ?", (f"respondent-{number}", ballot)
            )
        db.execute("UPDATE pulses SET closed = 1, pulse_key = NULL")
        db.execute("ALTER TABLE pulses DROP COLUMN answered")
        db.execute("PRAGMA user_version = 1")
    assert b"respondent-5" in file_bytes(db_path)
    reopened = SqliteStore(db_path)
    try:
        assert b"respondent-" not in file_bytes(db_path)
        assert reopened.pulses.answer_count(record.pulse_id) == 6
        assert results(reopened.pulses, record.pulse_id).summaries[0].answered == 6
    finally:
        reopened.close()


def test_the_trend_has_a_gap_for_a_week_under_the_threshold(store: SqliteStore) -> None:
    for week, phones in enumerate((6, 4, 7)):
        record = open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=week))
        answered(store, record, phones=phones, value=5 + week)
        close_pulse(store.pulses, record.pulse_id)
    open_pulse(store.pulses, team="Ward 7", now=MONDAY + timedelta(weeks=3))  # still open: not in the trend
    points = trend(store.pulses, "Ward 7")
    assert [(p.week, p.answered) for p in points] == [("2026-W49", 6), ("2026-W50", 4), ("2026-W51", 7)]
    assert points[0].mean is not None and points[2].mean is not None
    assert points[1].mean is None, "four answers under a threshold of five: a gap, never a number"
    assert trend(store.pulses, "Another team") == ()


def test_a_pulse_closes_by_itself_when_its_time_comes(store: SqliteStore) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, closes_at=MONDAY + timedelta(days=4))
    assert close_due(store.pulses, MONDAY + timedelta(days=3)) == []
    [closed] = close_due(store.pulses, MONDAY + timedelta(days=4, seconds=1))
    assert closed.pulse_id == record.pulse_id and closed.closed
    with pytest.raises(PulseRefused, match="close after it opens"):
        open_pulse(store.pulses, team="Ward 7", now=MONDAY, closes_at=MONDAY)


def test_a_rollup_shows_only_groups_at_the_threshold_and_refuses_one_that_would_reveal_by_difference(
    store: SqliteStore,
) -> None:
    for team, phones in (("Ward 7", 6), ("Pharmacy", 2), ("Theatres", 6), ("Porters", 2)):
        record = open_pulse(store.pulses, team=team, now=MONDAY)
        answered(store, record, phones=phones, value=6)
        close_pulse(store.pulses, record.pulse_id)
    with pytest.raises(PulseRefused, match="Too few answers in 2026-W49"):
        rollup(store.pulses, ["Pharmacy", "Porters"], "2026-W49")
    with pytest.raises(PulseRefused, match="differs from one already shown by fewer people"):
        rollup(store.pulses, ["Ward 7", "Pharmacy"], "2026-W49")  # minus Ward 7's own results: Pharmacy's 2
    shown = rollup(store.pulses, ["Ward 7", "Theatres"], "2026-W49")
    assert (shown.answered, shown.motivation.shown) == (12, True)
    with pytest.raises(PulseRefused, match="differs from one already shown"):
        rollup(store.pulses, ["Ward 7", "Theatres", "Porters"], "2026-W49")  # minus the last: Porters' 2
    with pytest.raises(PulseRefused, match="two teams or more"):
        rollup(store.pulses, ["Ward 7"], "2026-W49")


def test_a_smaller_rollup_after_a_larger_one_is_refused_when_the_teams_left_out_are_few(
    store: SqliteStore,
) -> None:
    for team, phones in (("Ward 7", 3), ("Theatres", 3), ("Porters", 2), ("Pharmacy", 6)):
        record = open_pulse(store.pulses, team=team, now=MONDAY)
        answered(store, record, phones=phones, value=6)
        close_pulse(store.pulses, record.pulse_id)
    assert rollup(store.pulses, ["Ward 7", "Theatres", "Porters"], "2026-W49").answered == 8
    with pytest.raises(PulseRefused, match="differs from one already shown"):
        rollup(store.pulses, ["Ward 7", "Theatres"], "2026-W49")  # the first minus this: Porters' 2
    assert rollup(store.pulses, ["Ward 7", "Theatres", "Porters", "Pharmacy"], "2026-W49").answered == 14


def test_actions_against_a_closed_pulse_are_what_the_next_pulse_shows_as_you_said_we_did(
    store: SqliteStore,
) -> None:
    record = open_pulse(store.pulses, team="Ward 7", now=MONDAY, pinned="manageable-load")
    with pytest.raises(PulseRefused, match="once the pulse has closed"):
        record_action(store.pulses, pulse_id=record.pulse_id, text="x", owner="y", due=MONDAY.date())
    answered(store, record, phones=5)
    close_pulse(store.pulses, record.pulse_id)
    first = record_action(
        store.pulses,
        pulse_id=record.pulse_id,
        text="Protect the handover half hour",
        owner="Priya",
        due=MONDAY.date() + timedelta(days=7),
        responds_to=("manageable-load",),
    )
    second = record_action(
        store.pulses, pulse_id=record.pulse_id, text="Fix the rota app", owner="Sam", due=MONDAY.date()
    )
    with pytest.raises(PulseRefused, match="did not ask weather"):
        record_action(store.pulses, pulse_id=record.pulse_id, text="t", owner="o", due=MONDAY.date(),
                      responds_to=("weather",))  # fmt: skip
    set_status(store.pulses, second.action_id, "done")
    shown = you_said_we_did(store.pulses, "Ward 7")
    assert [(a.text, a.status) for a in shown] == [
        ("Protect the handover half hour", "open"),
        ("Fix the rota app", "done"),
    ]
    assert shown[0].responds_to == ("manageable-load",) and first.team == "Ward 7"
    assert you_said_we_did(store.pulses, "Pharmacy") == ()
    with pytest.raises(PulseRefused, match="No pulse action 'nope'"):
        set_status(store.pulses, "nope", "done")
