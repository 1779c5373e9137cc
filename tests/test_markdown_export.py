"""The Markdown export: structure, escaping of user text, and no trace of who wrote what."""

from datetime import date
from pathlib import Path

from retro.actors import Facilitator, Participant
from retro.commands import AddItem, CastVote, ChangePhase, RecordAction
from retro.exports.markdown import render_markdown, write_markdown
from retro.phases import Phase
from retro.secrets import owner_hash
from retro.session import Session

PHONE = Participant("pseudonym-of-a-phone")
NASTY = "Sam | *bold* _it_ [link](http://x) <img src=x onerror=alert(1)> # & ~"


def run_retro(session: Session) -> None:
    session.execute(PHONE, AddItem(prompt_id="learning", text=NASTY, owner_hash=owner_hash("s" * 24)))
    session.execute(
        PHONE, AddItem(prompt_id="hard", text="Night shift handover", owner_hash=owner_hash("t" * 24))
    )
    session.execute(Facilitator(), ChangePhase(to=Phase.VOTE))
    for item_id in session.state.items:
        if session.state.items[item_id].prompt_id == "learning":
            session.execute(PHONE, CastVote(item_id=item_id))
            session.execute(PHONE, CastVote(item_id=item_id))
    session.execute(Facilitator(), ChangePhase(to=Phase.ACTIONS))
    session.execute(
        Facilitator(), RecordAction(text="Write | the <runbook>", owner="Sam", due=date(2026, 12, 4))
    )


def test_export_has_title_facts_prompts_items_with_votes_and_an_action_table(session: Session) -> None:
    run_retro(session)
    markdown = render_markdown(session.state)
    lines = markdown.splitlines()
    assert lines[0] == "# Sprint 42"
    assert "**Team:** Ward 7" in markdown
    assert "**Template:** Compassionate" in markdown
    assert "## What's the learning here?" in lines
    assert "- Night shift handover — 0 votes" in lines
    assert "| Action | Owner | Due | Status |" in lines
    assert "| Write \\| the \\<runbook\\> | Sam | 2026-12-04 | open |" in lines


def test_user_text_is_escaped_so_it_renders_literally(session: Session) -> None:
    run_retro(session)
    markdown = render_markdown(session.state)
    expected = (
        "- Sam \\| \\*bold\\* \\_it\\_ \\[link\\](http://x)"
        " \\<img src=x onerror=alert(1)\\> \\# \\& \\~ — 2 votes"
    )
    assert expected in markdown.splitlines()


def test_before_the_reveal_the_export_shows_counts_not_text(session: Session) -> None:
    session.execute(
        PHONE, AddItem(prompt_id="learning", text="secret until reveal", owner_hash=owner_hash("u" * 24))
    )
    markdown = render_markdown(session.state)
    assert "secret until reveal" not in markdown
    assert "_1 item, not yet revealed._" in markdown


def test_export_carries_no_pseudonym_or_owner_hash(session: Session) -> None:
    run_retro(session)
    markdown = render_markdown(session.state)
    assert PHONE.pseudonym not in markdown
    assert owner_hash("s" * 24) not in markdown


def test_written_file_has_a_readable_name_and_never_overwrites(session: Session, tmp_path: Path) -> None:
    first = write_markdown(session.state, tmp_path)
    second = write_markdown(session.state, tmp_path)
    assert first.name == f"ward-7-{session.state.created_on.isoformat()}-retro.md"
    assert second != first and first.exists() and second.exists()
