"""The Markdown export: structure, escaping of user text, thresholds, and no trace of who wrote what."""

from pathlib import Path

import pytest

from retro.exports.markdown import escape, render_markdown
from retro.outcome import outcome_of
from retro.secrets import owner_hash
from retro.session import Session
from tests.support.retro_fixtures import (
    NASTY,
    PHONES,
    add_item,
    run_retro,
    vote_counted_topics,
    write_counted_items,
)
from tui.exporting import EXPORT_CHOICES, write_choice


def markdown_of(session: Session) -> str:
    return render_markdown(outcome_of(session.record.retro_id, session.state))


def test_export_has_facts_check_in_topics_notes_actions_and_roti(session: Session) -> None:
    run_retro(session)
    lines = markdown_of(session).splitlines()
    assert lines[0] == "# Sprint 42"
    assert "**Team:** Ward 7  " in lines and "**Template:** Compassionate  " in lines
    assert "- How motivated do you feel about work this week? — mean 7.0 of 10 (3 answered;" in "\n".join(
        lines
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
    assert f"### {escaped} — 2 votes" in markdown_of(session).splitlines()


def test_aggregates_under_the_threshold_are_suppressed(session: Session) -> None:
    run_retro(session, answers=2)
    markdown = markdown_of(session)
    assert (
        "How motivated do you feel about work this week? — 2 answered; shown once 3 have answered."
        in markdown
    )
    assert "mean" not in markdown


def test_before_the_reveal_the_export_shows_counts_not_text(session: Session) -> None:
    add_item(session, "secret until reveal", "learning")
    markdown = markdown_of(session)
    assert "secret until reveal" not in markdown
    assert "- What's the learning here?: 1 item, not yet revealed" in markdown


def test_export_carries_no_pseudonym_or_owner_hash(session: Session) -> None:
    run_retro(session)
    markdown = markdown_of(session)
    assert not [phone for phone in PHONES if phone.pseudonym in markdown]
    assert owner_hash(NASTY * 2) not in markdown


def test_written_file_has_a_readable_name_and_never_overwrites(session: Session, tmp_path: Path) -> None:
    outcome, markdown = outcome_of(session.record.retro_id, session.state), EXPORT_CHOICES[0]
    first = write_choice(outcome, markdown, tmp_path)
    second = write_choice(outcome, markdown, tmp_path)
    assert first.name == f"ward-7-{session.state.created_on.isoformat()}-retro.md"
    assert second.name == f"ward-7-{session.state.created_on.isoformat()}-retro-2.md"
    assert first.exists() and second.exists()


@pytest.mark.parametrize("line_break", ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\v", "\f"])
def test_no_line_break_in_user_text_starts_a_line_of_its_own(line_break: str) -> None:
    assert escape(f"Ward 7{line_break}=== # x") == "Ward 7 === \\# x"


def test_a_team_with_a_carriage_return_cannot_make_a_heading(session: Session) -> None:
    """Even an outcome that skipped cleaning renders the team on its own header line."""
    outcome = outcome_of(session.record.retro_id, session.state)
    markdown = render_markdown(outcome.model_copy(update={"team": "Ward 7\r===\r\n- listed\u2028#"}))
    assert "\r" not in markdown and "\u2028" not in markdown
    assert "**Team:** Ward 7 === - listed \\#  " in markdown.splitlines()
    assert not [line for line in markdown.splitlines() if line in {"===", "- listed"}]


def test_vote_and_item_counts_agree_with_their_nouns(session: Session) -> None:
    ids = write_counted_items(session)
    before_reveal = markdown_of(session).splitlines()
    assert "- What has been hard?: 1 item, not yet revealed" in before_reveal
    assert "- What's the learning here?: 2 items, not yet revealed" in before_reveal
    assert "- What would help?: 0 items, not yet revealed" in before_reveal
    vote_counted_topics(session, ids)
    headings = sorted(line for line in markdown_of(session).splitlines() if line.startswith("### "))
    assert headings == ["### hard 1 — 1 vote", "### learning 1 — 2 votes", "### learning 2 — 0 votes"]
