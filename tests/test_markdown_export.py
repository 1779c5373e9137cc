"""The Markdown export: structure, escaping of user text, thresholds, and no trace of who wrote what."""

from datetime import date
from pathlib import Path

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
from retro.exports.markdown import render_markdown, write_markdown
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session

PHONES = [Participant(f"pseudonym-of-phone-{n}") for n in range(3)]
NASTY = "Sam | *bold* _it_ [link](http://x) <img src=x onerror=alert(1)> # & ~"
FACILITATOR = Facilitator()


def run_retro(session: Session, answers: int = 3) -> None:
    def add(text: str, prompt: str) -> str:
        event = session.execute(
            PHONES[0], AddItem(prompt_id=prompt, text=text, owner_hash=owner_hash(text * 2))
        )
        return event.events[0].item_id  # type: ignore[union-attr]

    nasty = add(NASTY, "learning")
    night = add("Night shift handover", "hard")
    rota = add("Rota changes at short notice", "hard")
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
    session.execute(FACILITATOR, ChangePhase(to=Phase.CLOSE))
    for phone in PHONES[:answers]:
        session.execute(phone, AnswerRoti(value=4))


def test_export_has_facts_check_in_topics_notes_actions_and_roti(session: Session) -> None:
    run_retro(session)
    markdown = render_markdown(session.state)
    lines = markdown.splitlines()
    assert lines[0] == "# Sprint 42"
    assert "**Team:** Ward 7  " in lines and "**Template:** Compassionate  " in lines
    assert "## Check-in" in lines
    assert any(
        line.startswith("- How motivated do you feel about work this week? — mean **7.0** of 10")
        for line in lines
    )
    assert "### Handover \\[and\\] rota — 0 votes" in lines
    assert "- Night shift handover _(What has been hard?)_" in lines
    assert "- Checklists \\*help\\*" in lines
    assert "| Action | Owner | Due | Status | Topic |" in lines
    assert "| Write \\| the \\<runbook\\> | Sam | 2026-12-04 | open |  |" in lines
    assert "## Return on time invested" in lines
    assert lines.index("## Check-in") < lines.index("## Topics") < lines.index("## Actions")


def test_user_text_is_escaped_so_it_renders_literally(session: Session) -> None:
    run_retro(session)
    escaped = "Sam \\| \\*bold\\* \\_it\\_ \\[link\\](http://x) \\<img src=x onerror=alert(1)\\> \\# \\& \\~"
    expected = f"### {escaped} — 2 votes"
    assert expected in render_markdown(session.state).splitlines()


def test_aggregates_under_the_threshold_are_suppressed(session: Session) -> None:
    run_retro(session, answers=2)
    markdown = render_markdown(session.state)
    assert (
        "How motivated do you feel about work this week? — 2 answered; shown once 3 have answered."
        in markdown
    )
    assert "mean" not in markdown


def test_before_the_reveal_the_export_shows_counts_not_text(session: Session) -> None:
    session.execute(
        PHONES[0], AddItem(prompt_id="learning", text="secret until reveal", owner_hash=owner_hash("u" * 24))
    )
    markdown = render_markdown(session.state)
    assert "secret until reveal" not in markdown
    assert "- What's the learning here?: 1 item, not yet revealed" in markdown


def test_export_carries_no_pseudonym_or_owner_hash(session: Session) -> None:
    run_retro(session)
    markdown = render_markdown(session.state)
    assert not [phone for phone in PHONES if phone.pseudonym in markdown]
    assert owner_hash(NASTY * 2) not in markdown


def test_written_file_has_a_readable_name_and_never_overwrites(session: Session, tmp_path: Path) -> None:
    first = write_markdown(session.state, tmp_path)
    second = write_markdown(session.state, tmp_path)
    assert first.name == f"ward-7-{session.state.created_on.isoformat()}-retro.md"
    assert second != first and first.exists() and second.exists()
